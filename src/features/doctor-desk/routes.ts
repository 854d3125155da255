import { ageOn } from '../../domain/age.js';
import {
  addDays,
  type ClinicCalendar,
  isCalendarDate,
  PERIOD_LABEL,
} from '../../domain/clinic-time/clinic-calendar.js';
import type { PatientScope } from '../../domain/patient-scope.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { AppError, invalidField } from '../../http/errors.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { AppointmentService, ScheduleService } from '../booking/index.js';
import type { DoctorDayRepository } from './repository.js';
import {
  DoctorActionResponse,
  DoctorAppointmentParams,
  DoctorDayQuery,
  DoctorDayResponse,
  DoctorScheduleResponse,
} from './schemas.js';

export interface DoctorDeskServices {
  day: DoctorDayRepository;
  appointments: AppointmentService;
  schedules: ScheduleService;
  calendar: ClinicCalendar;
}

const TAG = 'staff: doctor desk';
const asText = (value: number | null) => (value === null ? null : String(value));
const NOT_LINKED =
  'Needs doctor:day and an account linked to a catalog doctor (staff_users.doctor_id); an account without one answers 409 ' +
  '(40901) with the message 账号未关联医生: the permission is there, the account is no doctor (yet).';

/**
 * The linked doctor, or a clear refusal: the desk has no meaning for an account that is no doctor.
 * 409, not 403: the role may hold doctor:day (the administrator does); the account's state is what is missing.
 */
function linkedDoctorOf(staff: StaffPrincipal): number {
  if (staff.doctorId === null) throw new AppError('conflict', '账号未关联医生，请联系管理员在员工账号中关联');
  return staff.doctorId;
}

type State = 'booked' | 'arrived' | 'seen' | 'missed';
const stateOf = (row: { status: string; seen_at: number | null }): State =>
  row.status === 'arrived' ? (row.seen_at === null ? 'arrived' : 'seen') : (row.status as 'booked' | 'missed');

/** 医生工作台: the linked doctor's day, their arrive / seen actions and their weekly schedule (read-only). */
export function registerDoctorDeskRoutes(app: TypedApp, services: DoctorDeskServices): void {
  const { day, appointments, schedules, calendar } = services;

  async function doctorOrMissing(doctorId: number) {
    const doctor = await day.doctor(doctorId);
    if (!doctor) throw new AppError('not_found', '关联的医生不存在');
    return {
      id: String(doctor.id),
      name: doctor.name,
      title: doctor.title,
      departmentName: doctor.department_name,
    };
  }

  app.get('/doctor/day', {
    schema: {
      tags: [TAG],
      summary: "The linked doctor's appointments of one clinic date, by session, with each patient's details",
      description:
        `${NOT_LINKED} date: clinic date (CLINIC_TIMEZONE), default today. Cancelled appointments are left out. ` +
        'Each row: the patient (age, sex, reason = the booking’s 就诊原因, else the disease on the record, notes, allergies / medical history, ' +
        'visits before this date and the latest) and its actions: arrive from the session date on while booked, ' +
        'seen once arrived. Marketing fields never appear here. Two queries: the day, the history.',
      querystring: DoctorDayQuery,
      response: withErrors('staff', { 200: DoctorDayResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'doctor:day' },
    handler: async (request) => {
      const doctorId = linkedDoctorOf(staffOf(request));
      const now = nowSeconds();
      const today = calendar.dateAt(now);
      const date = request.query.date ?? today;
      if (!isCalendarDate(date)) throw invalidField('date', '不是有效日期');
      const doctor = await doctorOrMissing(doctorId);
      const rows = await day.appointments(doctorId, date);
      const history = await day.history(
        rows.map((row) => row.patient_id),
        calendar.instantOnDate(date, 0),
      );
      const toRow = (row: (typeof rows)[number]) => {
        const state = stateOf(row);
        const seen = history.get(row.patient_id);
        return {
          id: String(row.id),
          startTime: String(row.start_time),
          state,
          seenAt: asText(row.seen_at),
          patient: {
            id: String(row.patient_id),
            name: row.patient_name,
            sex: asText(row.sex),
            age: ageOn(date, row.age, row.birth_date),
            reason: row.visit_reason ?? row.disease_name,
            notes: row.remarks,
            medicalHistory: row.medical_history,
            previousVisits: seen?.count ?? 0,
            lastVisitTime: asText(seen?.last ?? null),
          },
          actions: [
            ...(state === 'booked' && date <= today ? (['arrive'] as const) : []),
            ...(state === 'arrived' ? (['seen'] as const) : []),
          ],
        };
      };
      return {
        date,
        today,
        previousDate: addDays(date, -1),
        nextDate: addDays(date, 1),
        doctor,
        sessions: (['morning', 'afternoon'] as const).map((period) => ({
          period,
          label: PERIOD_LABEL[period],
          appointments: rows.filter((row) => row.period === period).map(toRow),
        })),
      };
    },
  });

  /** The doctor's own appointment only: a patient in scope booked with another doctor is not theirs to mark. */
  async function ownAppointment(staff: StaffPrincipal, appointmentId: number): Promise<PatientScope> {
    const doctorId = linkedDoctorOf(staff);
    const scope: PatientScope = { kind: 'doctor', doctorId };
    const row = await appointments.findInScope(appointmentId, scope);
    if (row.doctor_id !== doctorId) throw new AppError('not_found', '预约不存在');
    return scope;
  }

  const actionAnswer = (row: { id: number; status: string; seen_at?: number | null; visit_id: number | null }) => ({
    appointment: {
      id: String(row.id),
      state: stateOf({ status: row.status, seen_at: row.seen_at ?? null }),
      visitId: asText(row.visit_id),
    },
  });

  app.post('/doctor/appointment/:id/arrive', {
    schema: {
      tags: [TAG],
      summary: "Mark arrived (到诊) on the doctor desk: the booking feature's arrival (visit, pool state, audit)",
      description: `${NOT_LINKED} Only the doctor's own appointments (another's answers 404 like a missing id). Before the session date 409; not booked 409.`,
      params: DoctorAppointmentParams,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: DoctorActionResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'doctor:day' },
    handler: async (request) => {
      const staff = staffOf(request);
      const scope = await ownAppointment(staff, request.params.id);
      const row = await appointments.markArrived(
        request.params.id,
        scope,
        staff.id,
        {},
        auditActorOf(request),
        nowSeconds(),
      );
      return actionAnswer(row);
    },
  });

  app.post('/doctor/appointment/:id/seen', {
    schema: {
      tags: [TAG],
      summary: 'Mark seen (已诊): an arrived appointment of the doctor, once (audited as appointment.seen)',
      description: `${NOT_LINKED} Only the doctor's own appointments (404 otherwise). Not arrived, or seen already: 409.`,
      params: DoctorAppointmentParams,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: DoctorActionResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'doctor:day' },
    handler: async (request) => {
      const staff = staffOf(request);
      const scope = await ownAppointment(staff, request.params.id);
      const row = await appointments.markSeen(request.params.id, scope, auditActorOf(request), nowSeconds());
      return actionAnswer(row);
    },
  });

  app.get('/doctor/schedule', {
    schema: {
      tags: [TAG],
      summary: "The linked doctor's weekly sessions and the next 28 days' exceptions (read-only)",
      description: `${NOT_LINKED} Changing the schedule stays with 排班管理 (appointments:schedules).`,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: DoctorScheduleResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'doctor:day' },
    handler: async (request) => {
      const doctorId = linkedDoctorOf(staffOf(request));
      const now = nowSeconds();
      const doctor = await doctorOrMissing(doctorId);
      const from = calendar.dateAt(now);
      const { weekly, exceptions } = await schedules.schedule(doctorId, from, addDays(from, 28), now);
      return {
        doctor,
        weekly: weekly.map((row) => ({ weekday: row.weekday, period: row.period, capacity: row.capacity })),
        exceptions: exceptions.map((row) => ({
          date: row.session_date,
          period: row.period,
          kind: row.kind,
          capacity: row.capacity,
          reason: row.reason,
        })),
      };
    },
  });
}
