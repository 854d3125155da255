import { canSeeFullPhone, scopeOf } from '../../../domain/patient-scope.js';
import { auditActorOf, nowSeconds, staffOf } from '../../../http/request-context.js';
import { StaffTokenOnly, withErrors } from '../../../http/schemas.js';
import type { TypedApp } from '../../../http/typed-app.js';
import type { ScheduleService } from '../schedules/service.js';
import type { AppointmentRepository } from './repository.js';
import {
  AppointmentIdParams,
  DayListQuery,
  DayListResponse,
  PatientAppointmentsQuery,
  StaffAppointmentListResponse,
  StaffAppointmentResponse,
  StaffArriveBody,
  StaffBookBody,
  StaffCancelBody,
} from './schemas.js';
import type { AppointmentService } from './service.js';
import { toStaffAppointment } from './wire.js';

const SCOPE_NOTE =
  "Only patients in the caller's scope (consultants with patients:view_own: those they registered; doctors with " +
  'patients:view_booked: those booked with them); others answer 404 like a missing id.';

export function registerStaffAppointmentRoutes(
  app: TypedApp,
  service: AppointmentService,
  schedules: ScheduleService,
  appointments: AppointmentRepository,
): void {
  const tags = ['staff: appointments'];
  const errors = [400, 401, 403, 404];

  app.get('/appointment/day', {
    schema: {
      tags,
      summary: "A doctor's day: the sessions held and that day's appointments",
      description: SCOPE_NOTE,
      querystring: DayListQuery,
      response: withErrors('staff', { 200: DayListResponse }, errors),
    },
    config: { access: 'appointments:view' },
    handler: async (request) => {
      const staff = staffOf(request);
      const scope = scopeOf(staff);
      const { doctor_id: doctorId, date } = request.query;
      const doctor = await schedules.anyDoctor(doctorId);
      schedules.staffRange(date, date);
      const [sessions, rows] = await Promise.all([
        schedules.sessionsOf([doctorId], date, date, nowSeconds()),
        appointments.listDoctorDayInScope(doctorId, date, scope),
      ]);
      const showFullPhone = canSeeFullPhone(staff);
      return {
        doctorId: String(doctor.id),
        doctorName: doctor.name,
        date,
        sessions: sessions.map((s) => ({
          period: s.period,
          capacity: s.capacity,
          booked: s.booked,
          remaining: s.remaining,
        })),
        appointments: rows.map((row) => toStaffAppointment(row, { showFullPhone })),
      };
    },
  });

  app.get('/appointment', {
    schema: {
      tags,
      summary: "A patient's appointments, latest first",
      description: SCOPE_NOTE,
      querystring: PatientAppointmentsQuery,
      response: withErrors('staff', { 200: StaffAppointmentListResponse }, errors),
    },
    config: { access: 'appointments:view' },
    handler: async (request) => {
      const staff = staffOf(request);
      const rows = await service.listForPatient(request.query.patient_id, scopeOf(staff));
      return { appointments: rows.map((row) => toStaffAppointment(row, { showFullPhone: canSeeFullPhone(staff) })) };
    },
  });

  app.get('/appointment/:id', {
    schema: {
      tags,
      summary: 'One appointment',
      description: SCOPE_NOTE,
      params: AppointmentIdParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: StaffAppointmentResponse }, errors),
    },
    config: { access: 'appointments:view' },
    handler: async (request) => {
      const staff = staffOf(request);
      const row = await service.findInScope(request.params.id, scopeOf(staff));
      return { appointment: toStaffAppointment(row, { showFullPhone: canSeeFullPhone(staff) }) };
    },
  });

  app.post('/appointment', {
    schema: {
      tags,
      summary: "Book on a patient's behalf (代约) -> 201",
      description: `${SCOPE_NOTE} Same rules and the same no-overbooking path as the portal (400 / 404 / 409 with a Chinese msg); source 'staff'.`,
      body: StaffBookBody,
      response: withErrors('staff', { 201: StaffAppointmentResponse }, [...errors, 409]),
    },
    config: { access: 'appointments:manage' },
    handler: async (request, reply) => {
      const staff = staffOf(request);
      const scope = scopeOf(staff);
      const body = request.body;
      await service.assertPatientInScope(body.patient_id, scope);
      const id = await service.book(
        {
          patientId: body.patient_id,
          doctorId: body.doctor_id,
          date: body.date,
          period: body.period,
          source: 'staff',
          bookedBy: staff.id,
          visitReason: body.visit_reason ?? null,
        },
        auditActorOf(request),
        nowSeconds(),
      );
      const row = await service.findInScope(id, scope);
      return reply.code(201).send({ appointment: toStaffAppointment(row, { showFullPhone: canSeeFullPhone(staff) }) });
    },
  });

  app.post('/appointment/:id/cancel', {
    schema: {
      tags,
      summary: 'Cancel with a reason (no cutoff for staff)',
      description: `${SCOPE_NOTE} Not booked any more 409.`,
      params: AppointmentIdParams,
      body: StaffCancelBody,
      response: withErrors('staff', { 200: StaffAppointmentResponse }, [...errors, 409]),
    },
    config: { access: 'appointments:manage' },
    handler: async (request) => {
      const staff = staffOf(request);
      const row = await service.cancelAsStaff(
        request.params.id,
        scopeOf(staff),
        staff.id,
        request.body.reason,
        auditActorOf(request),
        nowSeconds(),
      );
      return { appointment: toStaffAppointment(row, { showFullPhone: canSeeFullPhone(staff) }) };
    },
  });

  app.post('/appointment/:id/arrive', {
    schema: {
      tags,
      summary: 'Mark arrived (到诊): records the visit and the pool state',
      description: `${SCOPE_NOTE} Through the one arrival rule (visit row, state 已到, reach_time, counters, audit). Before the session date 409; not booked 409.`,
      params: AppointmentIdParams,
      body: StaffArriveBody,
      response: withErrors('staff', { 200: StaffAppointmentResponse }, [...errors, 409]),
    },
    config: { access: 'appointments:manage' },
    handler: async (request) => {
      const staff = staffOf(request);
      const row = await service.markArrived(
        request.params.id,
        scopeOf(staff),
        staff.id,
        { spendFen: request.body.spend_fen, notes: request.body.notes },
        auditActorOf(request),
        nowSeconds(),
      );
      return { appointment: toStaffAppointment(row, { showFullPhone: canSeeFullPhone(staff) }) };
    },
  });

  app.post('/appointment/:id/miss', {
    schema: {
      tags,
      summary: 'Mark missed (爽约)',
      description: `${SCOPE_NOTE} Only once the session has started (409 before); not booked 409. The place stays used.`,
      params: AppointmentIdParams,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: StaffAppointmentResponse }, [...errors, 409]),
    },
    config: { access: 'appointments:manage' },
    handler: async (request) => {
      const staff = staffOf(request);
      const row = await service.markMissed(request.params.id, scopeOf(staff), auditActorOf(request), nowSeconds());
      return { appointment: toStaffAppointment(row, { showFullPhone: canSeeFullPhone(staff) }) };
    },
  });
}
