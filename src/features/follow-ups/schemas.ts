import { Type } from 'typebox';
import { Nullable, StaffTokenField, UnixSeconds } from '../../http/schemas.js';

export const CreateFollowUpBody = Type.Object({
  token: StaffTokenField,
  contact_time: UnixSeconds('回访时间 (Unix seconds); not in the future'),
  way: Type.String({ minLength: 1, maxLength: 20, description: '回访方式: 电话, 微信, 短信 ...' }),
  content: Type.String({ minLength: 1, maxLength: 2000, description: '回访内容' }),
  next_follow_up_date: Type.Optional(
    Nullable(
      Type.String({
        format: 'date',
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: "下次回访日期 YYYY-MM-DD (clinic calendar): the patient's plan, until a later contact replaces it",
      }),
    ),
  ),
});

export const PagingQuery = Type.Object({
  token: StaffTokenField,
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
});

export const WireFollowUpSchema = Type.Object({
  id: Type.String(),
  patientId: Type.String(),
  staffId: Type.String(),
  staffName: Nullable(Type.String()),
  contactTime: Type.String(),
  way: Type.String(),
  content: Type.String(),
  nextFollowUpDate: Nullable(Type.String()),
  createdAt: Type.String(),
});

export const FollowUpResponse = Type.Object({ followUp: WireFollowUpSchema });

export const FollowUpListResponse = Type.Object({
  followUps: Type.Array(WireFollowUpSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const DueFollowUpListResponse = Type.Object({
  today: Type.String({ description: 'the clinic date the list is due against (YYYY-MM-DD)' }),
  followUps: Type.Array(
    Type.Object({
      ...WireFollowUpSchema.properties,
      patientName: Type.String(),
      patientTel: Nullable(Type.String({ description: 'masked without patients:view_full_phone' })),
    }),
  ),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
