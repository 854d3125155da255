import { Type } from 'typebox';
import { YuanField } from '../../domain/money.js';
import { RecordId as Id, Nullable, StaffTokenField, UnixSeconds } from '../../http/schemas.js';

export const ArrivalBody = Type.Object({
  token: StaffTokenField,
  reach_time: UnixSeconds("到诊时间 (Unix seconds); not before the patient's add_time"),
  doctor_id: Type.Optional(Nullable(Id("接诊医生 id (active); default: the patient's booked doctor"))),
  spend: Type.Optional(YuanField("本次消费; added to the patient's total")),
});

export const WireVisitSchema = Type.Object({
  id: Type.String(),
  patientId: Type.String(),
  doctorId: Nullable(Type.String()),
  doctorName: Nullable(Type.String()),
  visitTime: Type.String(),
  visitType: Type.Union([Type.Literal('first'), Type.Literal('return')], {
    description: 'first visit (初诊) or return (复诊)',
  }),
  spend: Type.String({ description: 'yuan with 2 decimals' }),
  appointmentId: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  recordedBy: Nullable(Type.String()),
  recordedByName: Nullable(Type.String()),
  createdAt: Type.String(),
});

export const VisitResponse = Type.Object({ visit: WireVisitSchema });

export const VisitListResponse = Type.Object({
  visits: Type.Array(WireVisitSchema),
  total: Type.Integer(),
});
