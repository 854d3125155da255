import { Type } from 'typebox';
import { PatientFilterFields, PatientStateSchema } from '../../domain/patient-filters.js';
import { Nullable, RecordId, StaffTokenField } from '../../http/schemas.js';
import { WirePatientSchema } from './schemas.js';

export const HandoverBody = Type.Object({
  token: StaffTokenField,
  to_staff_id: RecordId('the consultant (an enabled staff account) who will hold the patients'),
  patient_ids: Type.Optional(
    Type.Array(RecordId('patient id'), {
      minItems: 1,
      maxItems: 1000,
      description: 'these patients (one or a hand-picked few); or leave out and give filters instead',
    }),
  ),
  expected_count: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 10_000_000,
      description:
        'how many patients the caller confirmed (the list total under the same filters, or the ids given): if the ' +
        'selection now matches another number, nothing moves and the answer is 409 with `matched`',
    }),
  ),
  ...PatientFilterFields,
});

export const HandoverResponse = Type.Object({
  handover: Type.Object({
    matched: Type.Integer({ description: 'patients the selection matched in the caller’s scope' }),
    moved: Type.Integer({ description: 'of those, the ones that changed consultant (the others were theirs already)' }),
    toStaffId: Type.String(),
    toStaffName: Type.String(),
    from: Type.Array(
      Type.Object({
        staffId: Nullable(Type.String({ description: 'null: from the shared pool (no consultant)' })),
        name: Nullable(Type.String()),
        count: Type.Integer(),
      }),
      { description: 'who held the moved patients, most first' },
    ),
    ids: Type.Array(Type.String(), { description: 'the moved patients, lowest ids first, at most 200' }),
    idsTruncated: Type.Boolean(),
  }),
});

export const PoolListQuery = Type.Object({
  token: StaffTokenField,
  media_from_id: Type.Optional(RecordId('channel')),
  state: Type.Optional(PatientStateSchema),
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
});

export const PoolListResponse = Type.Object({
  patients: Type.Array(
    Type.Object({
      ...WirePatientSchema.properties,
      pooledAt: Nullable(
        Type.String({ description: 'Unix seconds it was returned to the pool; null for a portal self-registration' }),
      ),
      lastContactAt: Nullable(Type.String({ description: 'Unix seconds of the latest follow-up' })),
    }),
  ),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  returnDays: Type.Integer({
    description:
      "POOL_RETURN_DAYS: idle days after which a consultant's patient returns to the pool; 0 = the rule is off " +
      '(the pool then holds only patients registered without a consultant)',
  }),
});
