import { Type } from 'typebox';
import { Nullable, RecordId } from '../../http/schemas.js';

/*
 * The original patient client's wire shapes (issue 19). Field names are that client's; what
 * each means in CarePool is said in the descriptions and in docs/portal-compat.md.
 */

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

export const TimeSlot = Type.Union([Type.Literal('morning'), Type.Literal('afternoon')], {
  description:
    "the original client's half-day = CarePool's session period: morning 上午 (from 08:00), afternoon 下午 (from 13:30), clinic time",
});

export const RegistrationState = Type.Union(
  [Type.Literal('booked'), Type.Literal('cancelled'), Type.Literal('arrived'), Type.Literal('missed')],
  {
    description:
      "CarePool's appointment status as it is: booked 已预约 (live, holds a place), cancelled 已取消 (by the patient, " +
      'by staff or by a 停诊), arrived 已就诊 (the front desk confirmed the visit), missed 爽约 (the session passed without a visit)',
  },
);

export const CompatDoctor = Type.Object({
  id: Type.Integer({ description: 'doctor id, the doctor_id to book with' }),
  name: Type.String(),
  title: Nullable(Type.String({ description: '职称' })),
  specialty: Nullable(Type.String({ description: '擅长' })),
  department_id: Nullable(Type.Integer()),
  department_name: Nullable(Type.String({ description: "the doctor's department; null when none is set" })),
  hospital_name: Type.String({
    description: 'CarePool serves one clinic: CLINIC_NAME for every doctor, "" when it is not configured',
  }),
});

export const CompatRegistrationBody = Type.Object(
  {
    patient_id: Type.Optional(
      RecordId(
        "the original client sends the signed-in patient's id (the `id` of POST /patient/login). Optional: the patient is " +
          "always the token's. Any other value is refused with 403 and nothing is booked, whether or not such a patient exists",
      ),
    ),
    doctor_id: RecordId('doctor id (from GET /patient/doctorlist)'),
    date: Type.String({
      pattern: DATE_PATTERN,
      maxLength: 10,
      description: 'session date, YYYY-MM-DD in the clinic calendar (CLINIC_TIMEZONE); today up to 28 days ahead',
    }),
    timeSlot: TimeSlot,
  },
  { additionalProperties: false },
);

export const CompatRegistration = Type.Object({
  id: Type.Integer({
    description: 'registration id = CarePool appointment id; DELETE /patient/registration/{id} cancels it',
  }),
  patient_id: Type.Integer({ description: 'the signed-in patient' }),
  doctor_id: Type.Integer(),
  doctor_name: Type.String(),
  department_name: Nullable(Type.String()),
  hospital_name: Type.String({ description: 'CLINIC_NAME, "" when not configured' }),
  date: Type.String({ description: 'session date, YYYY-MM-DD (clinic calendar)' }),
  timeSlot: TimeSlot,
  state: RegistrationState,
  cancellable: Type.Boolean({
    description: 'booked and before the cancellation cutoff (BOOKING_CANCEL_CUTOFF): DELETE would succeed',
  }),
  created_at: Type.Integer({ description: 'Unix seconds when it was booked' }),
});

export const RegistrationIdParams = Type.Object({ id: RecordId('registration (appointment) id') });
