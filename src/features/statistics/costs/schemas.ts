import { Type } from 'typebox';
import { YUAN_PATTERN } from '../../../domain/money.js';
import { Nullable, RecordId, StaffTokenField, UnixSeconds } from '../../../http/schemas.js';
import { ViewField } from '../schemas.js';
import { MONTH_PATTERN } from './allocation.js';

const Month = (description: string) => Type.String({ pattern: MONTH_PATTERN, description: `${description} (YYYY-MM)` });
const Yuan = (description: string) => Type.String({ description: `${description}: yuan, two decimals` });

export const CostListQuery = Type.Object({
  token: StaffTokenField,
  from_month: Month('first month'),
  to_month: Month('last month'),
  channel_id: Type.Optional(RecordId('only this channel')),
});

const StoredCostSchema = Type.Object({
  channelId: Type.String(),
  channelName: Type.String(),
  month: Type.String({ description: 'YYYY-MM' }),
  amount: Yuan('the spend of that channel in that month'),
  updatedAt: Type.String({ description: 'Unix seconds' }),
  updatedBy: Nullable(Type.String()),
  updatedByName: Nullable(Type.String()),
});

export const CostListResponse = Type.Object({ costs: Type.Array(StoredCostSchema) });

export const SetCostsBody = Type.Object({
  token: StaffTokenField,
  entries: Type.Array(
    Type.Object({
      channel_id: RecordId('channel (deactivated ones too: spend is history)'),
      month: Month('calendar month'),
      amount: Nullable(
        Type.String({
          pattern: YUAN_PATTERN,
          description: 'the month\'s spend in yuan, at most 2 decimals ("12000", "800.50"); null removes the entry',
        }),
      ),
    }),
    { minItems: 1, maxItems: 500, description: 'one (channel, month) at most once' },
  ),
});

export const SetCostsResponse = Type.Object({ written: Type.Integer() });

export const ImportCostsBody = Type.Object({
  token: StaffTokenField,
  csv: Type.String({
    minLength: 1,
    maxLength: 1_000_000,
    description:
      'the file as text (UTF-8; a byte-order mark is ignored). Header row: 渠道/channel, 月份/month, 金额/amount ' +
      '(other columns ignored); then one row per channel and month: 百度推广,2024-03,12000.50. Months as 2024-03, ' +
      '2024/3 or 2024年3月; amounts in yuan (12,000.50 and ¥ accepted); channels by their exact name, deactivated ones too',
  }),
  mode: Type.Union([Type.Literal('dry_run'), Type.Literal('commit')], {
    default: 'dry_run',
    description:
      'dry_run (default) reports what a commit would write; commit writes every row or, with any problem, none',
  }),
});

const ProblemSchema = Type.Object({
  row: Type.Integer({ description: 'line of the file, the header being 1; 0 for the file as a whole' }),
  field: Type.Union([Type.Literal('file'), Type.Literal('channel'), Type.Literal('month'), Type.Literal('amount')]),
  message: Type.String(),
});

export const CostImportReportSchema = Type.Object({
  mode: Type.String(),
  rows: Type.Integer({ description: 'data rows in the file (blank lines left out)' }),
  valid: Type.Integer({ description: 'rows a commit writes' }),
  written: Type.Integer({ description: 'rows written (0 in a dry run)' }),
  problems: Type.Array(ProblemSchema),
  entries: Type.Array(
    Type.Object({
      row: Type.Integer(),
      channelId: Type.String(),
      channelName: Type.String(),
      month: Type.String(),
      amount: Type.String({ description: 'yuan' }),
      before: Nullable(Type.String({ description: 'the amount stored now (yuan); null when none' })),
    }),
  ),
});

export const CostReportQuery = Type.Object({
  token: StaffTokenField,
  view: ViewField,
  from: UnixSeconds('period start, Unix seconds, inclusive'),
  to: UnixSeconds('period end, Unix seconds, inclusive'),
  bucket: Type.Union([Type.Literal('none'), Type.Literal('month'), Type.Literal('year')], {
    default: 'none',
    description: 'none: one row per group for the whole period; month or year: per calendar bucket as well',
  }),
  group_by: Type.Union([Type.Literal('channel'), Type.Literal('none')], {
    default: 'channel',
    description: 'spend is known per channel only, so the report groups by channel or not at all',
  }),
});

const CostFigures = {
  spend: Yuan('spend counting toward the period (and bucket)'),
  inquiries: Type.Integer({ description: 'as in the funnel of the same view' }),
  appointments: Type.Integer(),
  arrivals: Type.Integer(),
  revenue: Yuan("the funnel's spend of the same view: the patients' recorded spend (sum of their visits)"),
  costPerInquiry: Nullable(Yuan('spend / inquiries; null when there were none')),
  costPerAppointment: Nullable(Yuan('spend / appointments; null when there were none')),
  costPerArrival: Nullable(Yuan('spend / arrivals; null when there were none')),
  roi: Nullable(Type.Number({ description: 'revenue / spend, 4 decimals; null without spend' })),
};

export const CostReportResponse = Type.Object({
  costs: Type.Object({
    view: Type.String(),
    from: Type.Integer(),
    to: Type.Integer(),
    bucket: Type.String(),
    groupBy: Type.String(),
    timeZone: Type.String(),
    firstDate: Type.String({ description: 'the clinic date of `from`: the first day spend counts for' }),
    lastDate: Type.String({ description: 'the clinic date of `to`: the last day spend counts for' }),
    ratios: Type.Array(Type.Object({ name: Type.String(), numerator: Type.String(), denominator: Type.String() }), {
      description: 'what each cost figure divides by what (field names of a row)',
    }),
    rows: Type.Array(
      Type.Object({
        bucket: Nullable(Type.String({ description: 'YYYY-MM or YYYY; null when bucket=none' })),
        channelId: Nullable(Type.String({ description: 'null: patients without a channel, or group_by=none' })),
        channelLabel: Type.String(),
        ...CostFigures,
      }),
    ),
    totals: Type.Object(CostFigures),
  }),
});
