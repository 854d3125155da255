import { type Static, Type } from 'typebox';
import { Nullable, StaffTokenField } from '../../http/schemas.js';
import type { ReportFilters } from './repository.js';

/** 2100-01-01: a Unix-seconds value beyond it is a milliseconds mix-up, not a date. */
const MAX_UNIX_SECONDS = 4_102_444_800;
const UnixSeconds = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_UNIX_SECONDS, description });
const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });

/** The list's dimension filters (GET patient/), with the same names and meaning. */
export const ReportFilterFields = {
  media_from_id: Type.Optional(Id('channel')),
  disease_id: Type.Optional(Id('disease')),
  department_id: Type.Optional(Id('department: patients with any disease of it')),
  doctor_id: Type.Optional(Id('doctor')),
  author_id: Type.Optional(Id('consultant who registered the patient')),
  advisory_way: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: '咨询方式, exact' })),
};

export function reportFiltersOf(query: {
  media_from_id?: number;
  disease_id?: number;
  department_id?: number;
  doctor_id?: number;
  author_id?: number;
  advisory_way?: string;
}): ReportFilters {
  return {
    mediaFromId: query.media_from_id,
    diseaseId: query.disease_id,
    departmentId: query.department_id,
    doctorId: query.doctor_id,
    authorId: query.author_id,
    advisoryWay: query.advisory_way,
  };
}

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
  ...ReportFilterFields,
});

const FigureFields = {
  inquiries: Type.Integer({ description: '咨询量: patients registered (add_time) in the bucket' }),
  appointments: Type.Integer({ description: '预约量: patients whose order_time is in the bucket' }),
  arrivals: Type.Integer({ description: '到诊量: patients whose (first) reach_time is in the bucket' }),
  lost: Type.Integer({ description: '流失: registered in the bucket and now in state 2' }),
  arrivalRate: Nullable(Type.Number({ description: 'arrivals / appointments, 4 decimals; null when appointments is 0' })),
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
    rows: Type.Array(Type.Object({ bucket: Type.String({ description: 'YYYY-MM-DD, YYYY-MM or YYYY' }), ...GroupFields, ...FigureFields }), {
      description: 'one row per bucket and group that has any figure; empty buckets are left out',
    }),
    groups: Type.Array(Type.Object({ ...GroupFields, ...FigureFields }), { description: 'totals per group over the whole range' }),
    totals: Type.Object(FigureFields),
  }),
});

export const ConsultantRankQuery = Type.Object({
  token: StaffTokenField,
  from: UnixSeconds('period start, Unix seconds, inclusive'),
  to: UnixSeconds('period end, Unix seconds, inclusive'),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  ...ReportFilterFields,
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
