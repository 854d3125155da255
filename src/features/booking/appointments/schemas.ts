import { Type } from 'typebox';
import { Nullable, RecordId, StaffTokenField } from '../../../http/schemas.js';
import { Period, SessionDate } from '../schedules/schemas.js';

const Status = Type.Union([
  Type.Literal('booked'),
  Type.Literal('cancelled'),
  Type.Literal('arrived'),
  Type.Literal('missed'),
]);
const Source = Type.Union([Type.Literal('portal'), Type.Literal('staff')], {
  description: 'who booked: the patient in the portal or staff',
});

/* ---------- portal ---------- */

/** 就诊原因: one line for the doctor (no control characters); blank is none. */
export const VisitReason = Type.Optional(
  Type.String({
    maxLength: 200,
    pattern: '^[^\\u0000-\\u001f\\u007f]*$',
    description: '就诊原因 for the doctor (医生工作台), one line, at most 200 characters; optional',
  }),
);

export const PortalBookBody = Type.Object(
  { doctor_id: RecordId('doctor id'), date: SessionDate('session date'), period: Period, visit_reason: VisitReason },
  { additionalProperties: false },
);

export const AppointmentIdParams = Type.Object({ id: RecordId('appointment id') });

export const PortalAppointmentData = Type.Object({
  id: Type.Integer(),
  doctor_id: Type.Integer(),
  doctor_name: Type.String(),
  department_name: Nullable(Type.String()),
  date: Type.String(),
  period: Period,
  start_time: Type.Integer({ description: 'Unix seconds of the session start' }),
  status: Status,
  source: Source,
  cancel_reason: Nullable(Type.String()),
  visit_reason: Nullable(Type.String({ description: '就诊原因 given when booking' })),
  cancel_deadline: Type.Integer({
    description: 'Unix seconds: the patient may cancel until then (BOOKING_CANCEL_CUTOFF)',
  }),
  cancellable: Type.Boolean({ description: 'booked and before the deadline' }),
  created_at: Type.Integer(),
});

export const PortalAppointmentList = Type.Object({
  upcoming: Type.Array(PortalAppointmentData, {
    description: 'live bookings (booked) for sessions from today on (clinic calendar), soonest first',
  }),
  past: Type.Array(PortalAppointmentData, {
    description: 'earlier sessions and cancelled, arrived or missed ones, latest first',
  }),
});

/* ---------- staff ---------- */

export const StaffAppointmentSchema = Type.Object({
  id: Type.String(),
  patientId: Type.String(),
  patientName: Type.String(),
  tel: Nullable(Type.String({ description: 'masked without patients:view_full_phone' })),
  doctorId: Type.String(),
  doctorName: Type.String(),
  departmentName: Nullable(Type.String()),
  date: Type.String(),
  period: Period,
  startTime: Type.String({ description: 'Unix seconds' }),
  status: Status,
  source: Source,
  bookedBy: Nullable(Type.String()),
  cancelReason: Nullable(Type.String()),
  visitReason: Nullable(Type.String({ description: '就诊原因 given when booking' })),
  cancelledBy: Nullable(Type.String({ description: 'patient or staff' })),
  visitId: Nullable(Type.String()),
  createdAt: Type.String(),
});

export const StaffAppointmentResponse = Type.Object({ appointment: StaffAppointmentSchema });
export const StaffAppointmentListResponse = Type.Object({ appointments: Type.Array(StaffAppointmentSchema) });

export const StaffBookBody = Type.Object({
  token: StaffTokenField,
  patient_id: RecordId("patient id (in the caller's scope)"),
  doctor_id: RecordId('doctor id'),
  date: SessionDate('session date'),
  period: Period,
  visit_reason: VisitReason,
});

export const StaffCancelBody = Type.Object({
  token: StaffTokenField,
  reason: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'why (kept on the appointment and in the audit log)',
  }),
});

export const StaffArriveBody = Type.Object({
  token: StaffTokenField,
  spend_fen: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'spend at this visit in fen' }),
  ),
  notes: Type.Optional(Type.String({ maxLength: 500 })),
});

export const DayListQuery = Type.Object({
  token: StaffTokenField,
  doctor_id: RecordId('doctor id'),
  date: SessionDate('day'),
});

export const PatientAppointmentsQuery = Type.Object({
  token: StaffTokenField,
  patient_id: RecordId('patient id'),
});

export const DayListResponse = Type.Object({
  doctorId: Type.String(),
  doctorName: Type.String(),
  date: Type.String(),
  sessions: Type.Array(
    Type.Object({ period: Period, capacity: Type.Integer(), booked: Type.Integer(), remaining: Type.Integer() }),
    { description: 'the sessions held that day (cancelled sessions left out)' },
  ),
  appointments: Type.Array(StaffAppointmentSchema, {
    description: "that day's appointments of patients in the caller's scope, all statuses",
  }),
});
