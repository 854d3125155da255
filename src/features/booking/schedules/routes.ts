import { Type } from 'typebox';
import { canSeeFullPhone, optionalScopeOf } from '../../../domain/patient-scope.js';
import { maskPhone } from '../../../domain/phone.js';
import { portalOk } from '../../../http/envelopes.js';
import { auditActorOf, nowSeconds, staffOf } from '../../../http/request-context.js';
import { portalSuccessSchema, StaffTokenOnly, withErrors } from '../../../http/schemas.js';
import type { TypedApp } from '../../../http/typed-app.js';
import {
  DoctorIdParams,
  ExceptionBody,
  ExceptionParams,
  ExceptionResponse,
  PortalSessionsData,
  PortalSessionsQuery,
  ScheduleResponse,
  StaffScheduleParams,
  StaffScheduleQuery,
  WeeklySessionBody,
  WeeklySlotParams,
} from './schemas.js';
import type { ScheduleService } from './service.js';

const exceptionWire = (row: {
  id: number;
  session_date: string;
  period: 'morning' | 'afternoon';
  kind: string;
  capacity: number | null;
  reason: string | null;
}) => ({
  id: String(row.id),
  date: row.session_date,
  period: row.period,
  kind: row.kind,
  capacity: row.capacity,
  reason: row.reason,
});

/** Like scopeOf, but a caller without any patient view gets no names (null) instead of a refusal. */
const optionalScope = optionalScopeOf;

export function registerPortalSessionRoutes(app: TypedApp, service: ScheduleService): void {
  app.get('/doctors/:id/sessions', {
    schema: {
      tags: ['portal: booking'],
      summary: "A doctor's sessions with remaining places (no login needed)",
      description:
        'Dates are in the clinic calendar (CLINIC_TIMEZONE). from defaults to today and may not be in the past; to defaults to ' +
        'today + 28 and may not be later (400). Cancelled sessions are left out; a session that has started is listed with bookable false.',
      params: DoctorIdParams,
      querystring: PortalSessionsQuery,
      response: withErrors('portal', { 200: portalSuccessSchema(PortalSessionsData) }, [400, 404]),
    },
    config: { access: 'public' },
    handler: async (request) => {
      const now = nowSeconds();
      const doctor = await service.activeDoctor(request.params.id);
      const range = service.portalRange(request.query.from, request.query.to, now);
      const sessions = await service.sessionsOf([doctor.id], range.from, range.to, now);
      return portalOk({
        doctor_id: doctor.id,
        doctor_name: doctor.name,
        ...range,
        sessions: sessions.map((s) => ({
          date: s.date,
          period: s.period,
          start_time: s.startTime,
          capacity: s.capacity,
          booked: s.booked,
          remaining: s.remaining,
          bookable: s.bookable,
        })),
      });
    },
  });
}

export function registerStaffScheduleRoutes(app: TypedApp, service: ScheduleService): void {
  const tags = ['staff: schedules'];

  app.get('/schedule/doctors/:id', {
    schema: {
      tags,
      summary: "A doctor's weekly sessions, exceptions and dated sessions (booked / remaining) from..to",
      querystring: StaffScheduleQuery,
      params: StaffScheduleParams,
      response: withErrors('staff', { 200: ScheduleResponse }, [400, 401, 403, 404]),
    },
    config: { access: ['appointments:view', 'appointments:schedules'] },
    handler: async (request) => {
      const doctor = await service.anyDoctor(request.params.id);
      const { weekly, exceptions, sessions } = await service.schedule(
        doctor.id,
        request.query.from,
        request.query.to,
        nowSeconds(),
      );
      return {
        schedule: {
          doctorId: String(doctor.id),
          doctorName: doctor.name,
          weekly: weekly.map((row) => ({ weekday: row.weekday, period: row.period, capacity: row.capacity })),
          exceptions: exceptions.map(exceptionWire),
          sessions: sessions.map((s) => ({
            date: s.date,
            period: s.period,
            startTime: String(s.startTime),
            capacity: s.capacity,
            booked: s.booked,
            remaining: s.remaining,
          })),
        },
      };
    },
  });

  app.put('/schedule/doctors/:id/weekly/:weekday/:period', {
    schema: {
      tags,
      summary: 'Set (create or re-size) one weekly session',
      description:
        'Bookings already made stay valid even when the new capacity is below them (the session then shows no places left).',
      params: WeeklySlotParams,
      body: WeeklySessionBody,
      response: withErrors(
        'staff',
        {
          200: Type.Object({
            weeklySession: Type.Object({ weekday: Type.Integer(), period: Type.String(), capacity: Type.Integer() }),
          }),
        },
        [400, 401, 403, 404],
      ),
    },
    config: { access: 'appointments:schedules' },
    handler: async (request) => {
      const { id, weekday, period } = request.params;
      const row = await service.setWeekly(
        id,
        weekday,
        period,
        request.body.capacity,
        auditActorOf(request),
        nowSeconds(),
      );
      return { weeklySession: { weekday: row.weekday, period: row.period, capacity: row.capacity } };
    },
  });

  app.delete('/schedule/doctors/:id/weekly/:weekday/:period', {
    schema: {
      tags,
      summary: 'Stop one weekly session',
      description:
        'Existing bookings stay valid; to call patients off on a date, add a cancelled exception for that session.',
      params: WeeklySlotParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: Type.Object({ removed: Type.Boolean() }) }, [400, 401, 403, 404]),
    },
    config: { access: 'appointments:schedules' },
    handler: async (request) => {
      const { id, weekday, period } = request.params;
      await service.removeWeekly(id, weekday, period, auditActorOf(request), nowSeconds());
      return { removed: true };
    },
  });

  app.post('/schedule/doctors/:id/exceptions', {
    schema: {
      tags,
      summary: 'Cancel one dated session (停诊) or add / re-size one (加诊) -> 201',
      description:
        'kind=cancelled cancels every live booking of that session in the same transaction and answers the affected patients for ' +
        "the front desk to call: affectedCount counts them all; affectedPatients lists those in the caller's patient scope, phones " +
        'masked without patients:view_full_phone. kind=extra needs capacity. One exception per session (409 when one exists). ' +
        'Dates before today answer 400.',
      params: StaffScheduleParams,
      body: ExceptionBody,
      response: withErrors('staff', { 201: ExceptionResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'appointments:schedules' },
    handler: async (request, reply) => {
      const staff = staffOf(request);
      const { date, period, kind, capacity, reason } = request.body;
      const result = await service.addException(
        { id: staff.id, scope: optionalScope(staff) },
        { doctorId: request.params.id, date, period, kind, capacity, reason },
        auditActorOf(request),
        nowSeconds(),
      );
      const fullPhone = canSeeFullPhone(staff);
      return reply.code(201).send({
        exception: exceptionWire(result.exception),
        affectedCount: result.affectedCount,
        affectedPatients: result.affectedPatients.map((p) => ({
          appointmentId: String(p.appointmentId),
          patientId: String(p.patientId),
          name: p.name,
          tel: p.tel === null ? null : fullPhone ? p.tel : maskPhone(p.tel),
        })),
      });
    },
  });

  app.delete('/schedule/doctors/:id/exceptions/:exceptionId', {
    schema: {
      tags,
      summary: 'Remove an exception',
      description:
        'Removing a cancellation re-opens the session (bookings it cancelled stay cancelled); removing an extra session keeps its bookings.',
      params: ExceptionParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: Type.Object({ removed: Type.Boolean() }) }, [400, 401, 403, 404]),
    },
    config: { access: 'appointments:schedules' },
    handler: async (request) => {
      await service.removeException(request.params.id, request.params.exceptionId, auditActorOf(request));
      return { removed: true };
    },
  });
}
