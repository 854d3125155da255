import { Type } from 'typebox';
import { StaffTokenField } from '../../http/schemas.js';

/** 2100-01-01 in milliseconds: a larger value is a unit mix-up, not a time. */
const MAX_UNIX_MS = 4_102_444_800_000;
const UnixMs = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_UNIX_MS, description });
const Keyword = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_.:-]+$', description });

export const AuditLogQuery = Type.Object({
  token: StaffTokenField,
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  actor_type: Type.Optional(
    Type.Union([Type.Literal('staff'), Type.Literal('patient'), Type.Literal('anonymous'), Type.Literal('system')], {
      description: 'who acted',
    }),
  ),
  actor_id: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 2_147_483_647,
      description: 'staff user or patient id; without actor_type it means a staff user',
    }),
  ),
  action: Type.Optional(Keyword(64, 'exact action, e.g. patient.read, staff_user.update')),
  target_type: Type.Optional(Keyword(32, 'e.g. patient, staff_user, role, department')),
  target_id: Type.Optional(Keyword(64, 'needs target_type')),
  outcome: Type.Optional(
    Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')], {
      description: 'denied: refused by a permission or scope check',
    }),
  ),
  from: Type.Optional(UnixMs('occurred at or after (Unix milliseconds, UTC)')),
  to: Type.Optional(UnixMs('occurred at or before (Unix milliseconds, UTC)')),
});

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const AuditEntrySchema = Type.Object({
  id: Type.String(),
  occurredAt: Type.Integer({ description: 'Unix milliseconds (UTC)' }),
  time: Type.String({ description: 'ISO 8601, UTC' }),
  actorType: Type.String(),
  actorId: NullableString,
  actorLabel: Type.Union([Type.String(), Type.Null()], {
    description: 'username or masked phone tried, for failed sign-ins',
  }),
  actorUsername: Type.Union([Type.String(), Type.Null()], {
    description: 'for staff actors whose account still exists',
  }),
  actorDisplayName: NullableString,
  action: Type.String(),
  targetType: NullableString,
  targetId: NullableString,
  outcome: Type.String(),
  ip: NullableString,
  userAgent: NullableString,
  requestId: NullableString,
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
    description: 'changed fields, reasons (never secrets)',
  }),
  attempts: Type.Union([Type.Integer(), Type.Null()], {
    description:
      'access.denied only: how many times this account was refused on this route in that minute (one row stands for them all)',
  }),
});

export const AuditLogResponse = Type.Object({
  entries: Type.Array(AuditEntrySchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
