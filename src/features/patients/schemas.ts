import { Type } from 'typebox';
import { PatientFilterFields, PatientStateSchema } from '../../domain/patient-filters.js';
import { MOBILE_PATTERN } from '../../domain/phone.js';
import { Nullable, RecordId, StaffTokenField, UnixSeconds } from '../../http/schemas.js';

const Id = RecordId;
const Text = (maxLength: number, description: string) => Type.String({ maxLength, description });

/** The seed's POST patient/ fields (snake_case in, camelCase out). */
export const CreatePatientBody = Type.Object({
  token: StaffTokenField,
  name: Type.String({ minLength: 1, maxLength: 50, description: '名字' }),
  sex: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1, description: '0 male, 1 female' }))),
  age: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 150 }))),
  tel: Type.Optional(Nullable(Type.String({ pattern: MOBILE_PATTERN, description: 'mainland mobile number' }))),
  wechat: Type.Optional(Nullable(Text(50, '微信'))),
  qq: Type.Optional(Nullable(Type.String({ pattern: '^[1-9]\\d{4,11}$', description: 'QQ number' }))),
  add_time: UnixSeconds('登记时间 (Unix seconds)'),
  order_time: Type.Optional(Nullable(UnixSeconds('预约时间'))),
  reach_time: Type.Optional(Nullable(UnixSeconds('到诊时间; not before add_time'))),
  disease_id: Type.Optional(Nullable(Id('病种 id (active)'))),
  state: PatientStateSchema,
  media_from_id: Type.Optional(Nullable(Id('来源渠道 id (active)'))),
  doctor_id: Type.Optional(Nullable(Id('预约专家 id (active)'))),
  advisory_way: Type.Optional(Nullable(Text(20, '咨询方式'))),
  advisory_content: Type.Optional(Nullable(Text(2000, '咨询内容'))),
  area: Type.Optional(Nullable(Text(50, '地区'))),
  remarks: Type.Optional(Nullable(Text(2000, '备注'))),
  allow_duplicate: Type.Optional(
    Type.Boolean({ description: 'true to register although a patient with the same tel exists (otherwise 409)' }),
  ),
});

export const WirePatientSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  sex: Nullable(Type.String()),
  tel: Nullable(Type.String({ description: 'masked (138****5678) without the full-phone permission' })),
  age: Nullable(Type.String()),
  wechat: Nullable(Type.String()),
  qq: Nullable(Type.String()),
  addTime: Type.String(),
  orderTime: Nullable(Type.String()),
  reachTime: Nullable(Type.String()),
  diseaseId: Nullable(Type.String()),
  authorId: Nullable(Type.String()),
  state: Type.String(),
  mediaFromId: Type.Optional(Nullable(Type.String({ description: 'absent in a doctor scope (marketing)' }))),
  doctorId: Nullable(Type.String()),
  advisoryWay: Type.Optional(Nullable(Type.String({ description: 'absent in a doctor scope (marketing)' }))),
  advisoryContent: Type.Optional(Nullable(Type.String({ description: 'absent in a doctor scope (marketing)' }))),
  area: Nullable(Type.String()),
  remarks: Nullable(Type.String()),
});

export const PatientListQuery = Type.Object({
  token: StaffTokenField,
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  ...PatientFilterFields,
  sort: Type.Union(
    [Type.Literal('add_time'), Type.Literal('order_time'), Type.Literal('reach_time'), Type.Literal('id')],
    {
      default: 'add_time',
    },
  ),
  order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }),
});

/** A list row: the record plus its consultant's name, which every role that sees the row may read. */
export const WirePatientListRowSchema = Type.Object({
  ...WirePatientSchema.properties,
  authorName: Nullable(Type.String({ description: "the consultant's (author's) display name" })),
});

export const PatientListResponse = Type.Object({
  patients: Type.Array(WirePatientListRowSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
