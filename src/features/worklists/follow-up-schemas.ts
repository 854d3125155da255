import { Type } from 'typebox';
import { PatientStateSchema } from '../../domain/patient-filters.js';
import { Nullable, RecordId, StaffTokenField } from '../../http/schemas.js';

export const FollowUpWorklistQuery = Type.Object({
  token: StaffTokenField,
  due: Type.Union(
    [
      Type.Literal('due'),
      Type.Literal('overdue'),
      Type.Literal('today'),
      Type.Literal('upcoming'),
      Type.Literal('all'),
    ],
    {
      default: 'due',
      description:
        'which plans: due (default) = overdue + today; overdue (date before today); today; upcoming (after today, up to ' +
        'upcoming_days ahead); all = the three',
    },
  ),
  upcoming_days: Type.Integer({ minimum: 1, maximum: 90, default: 7, description: 'how far "upcoming" reaches, days' }),
  consultant_id: Type.Optional(
    RecordId('the consultant holding the patients (author); a caller seeing only their own gets only theirs'),
  ),
  media_from_id: Type.Optional(RecordId('channel')),
  state: Type.Optional(PatientStateSchema),
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
});

const DueField = Type.Union([Type.Literal('overdue'), Type.Literal('today'), Type.Literal('upcoming')]);

export const FollowUpWorklistResponse = Type.Object({
  today: Type.String({ description: 'the clinic date the list is due against (YYYY-MM-DD)' }),
  upcomingUntil: Type.String({ description: 'the last date "upcoming" reaches (YYYY-MM-DD)' }),
  counts: Type.Object(
    { overdue: Type.Integer(), today: Type.Integer(), upcoming: Type.Integer() },
    { description: 'plans per bucket under the filters, whatever `due` asks for (tab badges)' },
  ),
  total: Type.Integer({ description: 'rows in the buckets `due` asks for: the sum of their counts' }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  rows: Type.Array(
    Type.Object({
      patientId: Type.String({ description: 'opens the record: GET patient/{patientId}' }),
      patientName: Type.String(),
      tel: Nullable(Type.String({ description: 'masked without patients:view_full_phone' })),
      state: Type.String({ description: '0 未到, 1 已到, 2 流失' }),
      consultantId: Nullable(Type.String({ description: 'the consultant holding the patient (author)' })),
      consultantName: Nullable(Type.String()),
      mediaFromId: Nullable(Type.String()),
      mediaFromName: Nullable(Type.String()),
      nextFollowUpDate: Type.String({ description: 'the planned date (YYYY-MM-DD, clinic calendar)' }),
      due: DueField,
      daysOverdue: Type.Integer({ description: 'today minus the planned date: > 0 overdue, 0 today, < 0 upcoming' }),
      lastContactAt: Nullable(Type.String({ description: 'Unix seconds of the contact that made the plan' })),
      lastContactWay: Nullable(Type.String()),
      lastContactBy: Nullable(Type.String({ description: 'who made that contact' })),
    }),
  ),
});
