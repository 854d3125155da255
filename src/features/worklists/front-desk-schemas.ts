import { Type } from 'typebox';
import { Nullable, RecordId, StaffTokenField } from '../../http/schemas.js';

const State = Type.Union(
  [Type.Literal('waiting'), Type.Literal('late'), Type.Literal('arrived'), Type.Literal('missed')],
  {
    description:
      'waiting: booked, session not started long enough to be late; late: booked and LATE_AFTER_MINUTES past the ' +
      "session's start; arrived; missed (爽约 recorded)",
  },
);

export const FrontDeskQuery = Type.Object({
  token: StaffTokenField,
  date: Type.Optional(
    Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'clinic date (YYYY-MM-DD); default today' }),
  ),
  doctor_id: Type.Optional(RecordId('only this doctor (default: every doctor)')),
  state: Type.Optional(State),
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 500, default: 200 }),
});

const Action = Type.Object(
  {
    name: Type.Union([Type.Literal('arrive'), Type.Literal('miss'), Type.Literal('cancel')]),
    method: Type.Literal('POST'),
    path: Type.String({ description: 'under /back_end/api/v1/, e.g. appointment/12/arrive' }),
  },
  { description: 'an existing route the row offers now (the caller holds its permission and the state allows it)' },
);

const PatientFields = {
  patientId: Type.String({ description: 'opens the record: GET patient/{patientId}' }),
  patientName: Type.String(),
  tel: Nullable(Type.String({ description: 'masked without patients:view_full_phone' })),
  consultantId: Nullable(Type.String()),
  consultantName: Nullable(Type.String()),
  doctorId: Nullable(Type.String()),
  doctorName: Nullable(Type.String()),
};

export const FrontDeskResponse = Type.Object({
  date: Type.String(),
  previousDate: Type.String({ description: 'the day before: move day by day, every doctor at once' }),
  nextDate: Type.String(),
  today: Type.String({ description: "the clinic's today" }),
  lateAfterMinutes: Type.Integer({ description: 'LATE_AFTER_MINUTES: the grace before a booked patient is late' }),
  summary: Type.Object(
    {
      expected: Type.Integer({ description: "the date's appointments, cancelled ones aside" }),
      waiting: Type.Integer(),
      late: Type.Integer(),
      arrived: Type.Integer(),
      missed: Type.Integer(),
      cancelled: Type.Integer(),
      walkIns: Type.Integer(),
    },
    { description: 'the whole date (and doctor), whatever page or state is asked' },
  ),
  appointments: Type.Array(
    Type.Object({
      appointmentId: Type.String(),
      ...PatientFields,
      departmentName: Nullable(Type.String()),
      period: Type.Union([Type.Literal('morning'), Type.Literal('afternoon')]),
      startTime: Type.String({ description: 'Unix seconds of the session start' }),
      state: State,
      source: Type.String({ description: 'portal or staff: who booked' }),
      arrivedAt: Nullable(Type.String({ description: 'Unix seconds of the arrival (its visit)' })),
      seenAt: Nullable(
        Type.String({ description: 'Unix seconds the doctor marked the arrived patient seen (已诊) on 医生工作台' }),
      ),
      lateMinutes: Type.Integer({ description: 'minutes since the session started, for a late row; else 0' }),
      actions: Type.Array(Action),
    }),
    { description: 'expected arrivals by session start, then doctor: one page (page, page_size)' },
  ),
  total: Type.Integer({ description: 'appointments matching state (all when not given): what the pages cover' }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  walkIns: Type.Array(
    Type.Object({
      visitId: Type.String(),
      ...PatientFields,
      arrivedAt: Type.String({ description: 'Unix seconds' }),
      visitType: Type.Union([Type.Literal('first'), Type.Literal('return')]),
    }),
    { description: 'arrived that day without an appointment that day, earliest first (at most 1000)' },
  ),
  walkInsTotal: Type.Integer(),
  checkIn: Type.Object(
    {
      method: Type.Literal('POST'),
      path: Type.String(),
      description: Type.String(),
    },
    { description: 'the route that checks in a walk-in (an arrival without appointment)' },
  ),
});
