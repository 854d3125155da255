import { type Static, Type } from 'typebox';
import { CatalogFilterFields } from '../../domain/patient-filters.js';
import { Nullable, StaffTokenField, UnixSeconds } from '../../http/schemas.js';

export const ViewField = Type.Union([Type.Literal('cohort'), Type.Literal('activity')], {
  default: 'cohort',
  description:
    'cohort (default): of the patients registered (add_time) in the period, how many booked, arrived, were lost, and ' +
    'their spend; every figure is of those patients, so the rates never pass 1, and each total equals GET patient/ ' +
    'filtered by add_time_from/add_time_to (plus booked=true, arrived=true or state=2) and the same catalog filters. ' +
    'activity: what happened in the period, each figure by its own time column (registrations add_time, appointments ' +
    'order_time, first arrivals reach_time): workload, where arrivals / appointments are different patients.',
});

const RateSchema = Type.Object(
  {
    name: Type.String({
      description: 'bookingRate, arrivalRate, conversionRate, lossRate (cohort); arrivalRate (activity)',
    }),
    value: Nullable(
      Type.Number({ description: 'numerator / denominator, 4 decimals; null when the denominator is 0' }),
    ),
    numerator: Type.String({ description: 'the figure divided: a field name of this object' }),
    denominator: Type.String({ description: 'the figure it is divided by: a field name of this object' }),
  },
  { description: 'a rate, with what it divides by what' },
);

const FigureFields = {
  inquiries: Type.Integer({ description: 'cohort: registered in the period; activity: registrations (add_time)' }),
  appointments: Type.Integer({
    description: 'cohort: of those, booked (order_time set); activity: order_time in the period',
  }),
  arrivals: Type.Integer({
    description: 'cohort: of those, arrived (reach_time set); activity: reach_time in the period',
  }),
  lost: Type.Integer({ description: 'registered in the period and now 流失 (state 2), in both views' }),
  bookedArrivals: Nullable(
    Type.Integer({ description: 'cohort: of those, booked and arrived; null in the activity view' }),
  ),
  arrivalRate: Nullable(
    Type.Number({
      description:
        'cohort: bookedArrivals / appointments (of the booked, how many came; at most 1); activity: arrivals / ' +
        'appointments of the period (different patients: may pass 1). 4 decimals, null when appointments is 0',
    }),
  ),
  spend: Type.String({
    description:
      'yuan, two decimals. cohort: the recorded spend to date of the patients registered in the period; activity: of ' +
      'the patients whose first arrival is in the period',
  }),
  rates: Type.Array(RateSchema, {
    description:
      'cohort: bookingRate = appointments / inquiries, arrivalRate = bookedArrivals / appointments, conversionRate = ' +
      'arrivals / inquiries, lossRate = lost / inquiries (all at most 1). activity: arrivalRate = arrivals / appointments',
  }),
};

const FigureMeanings = Type.Object(
  {
    inquiries: Type.String(),
    appointments: Type.String(),
    arrivals: Type.String(),
    lost: Type.String(),
    bookedArrivals: Type.String(),
    spend: Type.String(),
  },
  { description: 'what each figure counts in this view, for a screen to show beside it' },
);

export const FunnelQuery = Type.Object({
  token: StaffTokenField,
  // Optional (cohort when left out): clients written before the views keep working.
  view: Type.Optional(ViewField),
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

const GroupFields = {
  groupKey: Nullable(Type.String({ description: 'catalog id, staff id or advisory way; null = not filled in' })),
  groupLabel: Type.String({ description: 'catalog name (deactivated entries included)' }),
};

export const FunnelResponse = Type.Object({
  funnel: Type.Object({
    view: Type.Union([Type.Literal('cohort'), Type.Literal('activity')]),
    figures: FigureMeanings,
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
  view: Type.Optional(ViewField),
  from: UnixSeconds('period start, Unix seconds, inclusive'),
  to: UnixSeconds('period end, Unix seconds, inclusive'),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  ...CatalogFilterFields,
});

export const ConsultantRankResponse = Type.Object({
  rank: Type.Object({
    view: Type.Union([Type.Literal('cohort'), Type.Literal('activity')]),
    figures: FigureMeanings,
    from: Type.Integer(),
    to: Type.Integer(),
    consultants: Type.Array(
      Type.Object({ rank: Type.Integer(), staffId: Type.String(), name: Type.String(), ...FigureFields }),
    ),
  }),
});

export type FunnelQueryInput = Static<typeof FunnelQuery>;
