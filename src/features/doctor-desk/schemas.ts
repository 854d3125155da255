import { Type } from 'typebox';
import { Nullable, RecordId, StaffTokenField } from '../../http/schemas.js';

export const DoctorDayQuery = Type.Object({
  token: StaffTokenField,
  date: Type.Optional(
    Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'clinic date (YYYY-MM-DD); default today' }),
  ),
});

const DoctorSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  title: Nullable(Type.String()),
  departmentName: Nullable(Type.String()),
});

const DayAppointment = Type.Object({
  id: Type.String({ description: 'appointment id' }),
  startTime: Type.String({ description: "the session's start, Unix seconds" }),
  state: Type.Union([Type.Literal('booked'), Type.Literal('arrived'), Type.Literal('seen'), Type.Literal('missed')], {
    description: 'booked (not arrived yet), arrived, seen (已诊: arrived and marked seen), missed (爽约)',
  }),
  seenAt: Nullable(Type.String({ description: 'Unix seconds' })),
  patient: Type.Object({
    id: Type.String({ description: 'opens the record: GET patient/{id}' }),
    name: Type.String(),
    sex: Nullable(Type.String({ description: '0 male, 1 female' })),
    age: Nullable(Type.Integer({ description: "the record's age, else from the birth date on this date" })),
    reason: Nullable(
      Type.String({
        description: "reason for the visit: the booking's 就诊原因, else the disease (病种) on the record",
      }),
    ),
    notes: Nullable(Type.String({ description: 'remarks (备注) on the record' })),
    medicalHistory: Nullable(Type.String({ description: 'allergies and medical history (既往史/过敏史)' })),
    previousVisits: Type.Integer({ minimum: 0, description: 'visits before this date' }),
    lastVisitTime: Nullable(Type.String({ description: 'the latest visit before this date, Unix seconds' })),
  }),
  actions: Type.Array(Type.Union([Type.Literal('arrive'), Type.Literal('seen')]), {
    description: 'what the row offers now: arrive (POST doctor/appointment/{id}/arrive), seen (…/seen)',
  }),
});

export const DoctorDayResponse = Type.Object({
  date: Type.String(),
  today: Type.String(),
  previousDate: Type.String(),
  nextDate: Type.String(),
  doctor: DoctorSchema,
  sessions: Type.Array(
    Type.Object({
      period: Type.Union([Type.Literal('morning'), Type.Literal('afternoon')]),
      label: Type.String({ description: '上午 / 下午' }),
      appointments: Type.Array(DayAppointment),
    }),
  ),
});

export const DoctorAppointmentParams = Type.Object({ id: RecordId('appointment id') });

export const DoctorActionResponse = Type.Object({
  appointment: Type.Object({
    id: Type.String(),
    state: Type.Union([Type.Literal('booked'), Type.Literal('arrived'), Type.Literal('seen'), Type.Literal('missed')]),
    visitId: Nullable(Type.String()),
  }),
});

export const DoctorScheduleResponse = Type.Object({
  doctor: DoctorSchema,
  weekly: Type.Array(
    Type.Object({
      weekday: Type.Integer({ minimum: 1, maximum: 7, description: '1 Monday … 7 Sunday' }),
      period: Type.Union([Type.Literal('morning'), Type.Literal('afternoon')]),
      capacity: Type.Integer(),
    }),
  ),
  exceptions: Type.Array(
    Type.Object({
      date: Type.String(),
      period: Type.Union([Type.Literal('morning'), Type.Literal('afternoon')]),
      kind: Type.Union([Type.Literal('cancelled'), Type.Literal('extra')]),
      capacity: Nullable(Type.Integer()),
      reason: Nullable(Type.String()),
    }),
    { description: 'the next 28 days: 停诊 and extra sessions' },
  ),
});
