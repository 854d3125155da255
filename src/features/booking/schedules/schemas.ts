import { Type } from 'typebox';
import { Nullable, RecordId, StaffTokenField } from '../../../http/schemas.js';

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
export const SessionDate = (description: string) =>
  Type.String({ pattern: DATE_PATTERN, description: `${description} (YYYY-MM-DD, clinic calendar)` });
export const Period = Type.Union([Type.Literal('morning'), Type.Literal('afternoon')], {
  description: 'morning 上午 (from 08:00), afternoon 下午 (from 13:30)',
});
export const Capacity = Type.Integer({ minimum: 1, maximum: 500, description: 'places in the session' });

/* ---------- portal ---------- */

export const DoctorIdParams = Type.Object({ id: RecordId('doctor id') });

export const PortalSessionsQuery = Type.Object({
  from: Type.Optional(SessionDate('first date, not before today; default today')),
  to: Type.Optional(SessionDate('last date, at most today + 28; default today + 28')),
});

export const PortalSessionData = Type.Object({
  date: Type.String(),
  period: Period,
  start_time: Type.Integer({ description: 'Unix seconds of the session start' }),
  capacity: Type.Integer(),
  booked: Type.Integer(),
  remaining: Type.Integer(),
  bookable: Type.Boolean({ description: 'not started yet and a place is left' }),
});

export const PortalSessionsData = Type.Object({
  doctor_id: Type.Integer(),
  doctor_name: Type.String(),
  from: Type.String(),
  to: Type.String(),
  sessions: Type.Array(PortalSessionData),
});

/* ---------- staff ---------- */

export const StaffScheduleParams = Type.Object({ id: RecordId('doctor id') });
export const WeeklySlotParams = Type.Object({
  id: RecordId('doctor id'),
  weekday: Type.Integer({ minimum: 1, maximum: 7, description: '1 Monday ... 7 Sunday' }),
  period: Period,
});
export const ExceptionParams = Type.Object({ id: RecordId('doctor id'), exceptionId: RecordId('exception id') });

export const StaffScheduleQuery = Type.Object({
  token: StaffTokenField,
  from: SessionDate('first date'),
  to: SessionDate('last date, at most 92 days after from'),
});

export const WeeklySessionBody = Type.Object({ token: StaffTokenField, capacity: Capacity });

export const ExceptionBody = Type.Object({
  token: StaffTokenField,
  date: SessionDate('session date, not before today'),
  period: Period,
  kind: Type.Union([Type.Literal('cancelled'), Type.Literal('extra')], {
    description: 'cancelled 停诊; extra 加诊 (or re-size that day)',
  }),
  capacity: Type.Optional(Capacity),
  reason: Type.Optional(Type.String({ maxLength: 200, description: 'shown to patients whose bookings are cancelled' })),
});

export const WeeklySessionSchema = Type.Object({ weekday: Type.Integer(), period: Period, capacity: Type.Integer() });

export const ExceptionSchema = Type.Object({
  id: Type.String(),
  date: Type.String(),
  period: Period,
  kind: Type.String(),
  capacity: Nullable(Type.Integer()),
  reason: Nullable(Type.String()),
});

export const StaffSessionSchema = Type.Object({
  date: Type.String(),
  period: Period,
  startTime: Type.String({ description: 'Unix seconds' }),
  capacity: Type.Integer(),
  booked: Type.Integer(),
  remaining: Type.Integer(),
});

export const ScheduleResponse = Type.Object({
  schedule: Type.Object({
    doctorId: Type.String(),
    doctorName: Type.String(),
    weekly: Type.Array(WeeklySessionSchema),
    exceptions: Type.Array(ExceptionSchema),
    sessions: Type.Array(StaffSessionSchema),
  }),
});

export const AffectedPatientSchema = Type.Object({
  appointmentId: Type.String(),
  patientId: Type.String(),
  name: Type.String(),
  tel: Nullable(Type.String({ description: 'masked without patients:view_full_phone' })),
});

export const ExceptionResponse = Type.Object({
  exception: ExceptionSchema,
  affectedCount: Type.Integer({ description: 'bookings cancelled by a session cancellation' }),
  affectedPatients: Type.Array(AffectedPatientSchema, {
    description: "the cancelled bookings whose patients are in the caller's scope",
  }),
});
