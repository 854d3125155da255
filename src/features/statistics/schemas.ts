import { type Static, Type } from 'typebox';
import { CatalogFilterFields } from '../../domain/patient-filters.js';
import { Nullable, StaffTokenField, UnixSeconds } from '../../http/schemas.js';

export const FunnelQuery = Type.Object({
  token: StaffTokenField,
  from: UnixSeconds('range start, Unix seconds, inclusive'),
  to: UnixSeconds('range end, Unix seconds, inclusive'),
  bucket: Type.Union([Type.Literal('day'), Type.Literal('month'), Type.Literal('year')], {
    default: 'month',
    description: 'clinic-calendar bucket (CLINIC_TIMEZONE); day ranges up to 400 days, month up to ~10 years',
  }),
  group_by: Type.Union(
    [
      Type.Literal('channel'),
      Type.Literal('disease'),
      Type.Literal('department'),
      Type.Literal('doctor'),
      Type.Literal('consultant'),
      Type.Literal('advisory_way'),
      Type.Literal('none'),
    ],
    { default: 'none' },
  ),
  ...CatalogFilterFields,
});

const FigureFields = {
  inquiries: Type.Integer({ description: '咨询量: patients registered (add_time) in the bucket' }),
  appointments: Type.Integer({ description: '预约量: patients whose order_time is in the bucket' }),
  arrivals: Type.Integer({ description: '到诊量: patients whose (first) reach_time is in the bucket' }),
  lost: Type.Integer({ description: '流失: registered in the bucket and now in state 2' }),
  arrivalRate: Nullable(
    Type.Number({ description: 'arrivals / appointments, 4 decimals; null when appointments is 0' }),
  ),
  spend: Type.String({ description: 'yuan, two decimals: spend of the patients who arrived in the bucket' }),
};

const GroupFields = {
  groupKey: Nullable(Type.String({ description: 'catalog id, staff id or advisory way; null = not filled in' })),
  groupLabel: Type.String({ description: 'catalog name (deactivated entries included)' }),
};

export const FunnelResponse = Type.Object({
  funnel: Type.Object({
    from: Type.Integer(),
    to: Type.Integer(),
    bucket: Type.String(),
    groupBy: Type.String(),
    timeZone: Type.String({ description: 'the clinic time zone the buckets follow' }),
    rows: Type.Array(
      Type.Object({
        bucket: Type.String({ description: 'YYYY-MM-DD, YYYY-MM or YYYY' }),
        ...GroupFields,
        ...FigureFields,
      }),
      {
        description: 'one row per bucket and group that has any figure; empty buckets are left out',
      },
    ),
    groups: Type.Array(Type.Object({ ...GroupFields, ...FigureFields }), {
      description: 'totals per group over the whole range',
    }),
    totals: Type.Object(FigureFields),
  }),
});

export const ConsultantRankQuery = Type.Object({
  token: StaffTokenField,
  from: UnixSeconds('period start, Unix seconds, inclusive'),
  to: UnixSeconds('period end, Unix seconds, inclusive'),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  ...CatalogFilterFields,
});

export const ConsultantRankResponse = Type.Object({
  rank: Type.Object({
    from: Type.Integer(),
    to: Type.Integer(),
    consultants: Type.Array(
      Type.Object({ rank: Type.Integer(), staffId: Type.String(), name: Type.String(), ...FigureFields }),
    ),
  }),
});

export type FunnelQueryInput = Static<typeof FunnelQuery>;
