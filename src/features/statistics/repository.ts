import { type ExpressionBuilder, type Kysely, type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { OffsetSegment } from '../../domain/clinic-time/clinic-clock.js';
import { filterConditions, type PatientListFilters } from '../../domain/patient-filters.js';
import type { PatientScope } from '../../domain/patient-scope.js';
import { scopeCondition } from '../../domain/patient-scope.js';

export type FunnelBucket = 'day' | 'month' | 'year';
export type FunnelGroup = 'channel' | 'disease' | 'department' | 'doctor' | 'consultant' | 'advisory_way' | 'none';

/** The dimensions a report may be narrowed by: the list's filters without keyword, state or time ranges. */
export type ReportFilters = Pick<
  PatientListFilters,
  'mediaFromId' | 'diseaseId' | 'departmentId' | 'doctorId' | 'authorId' | 'advisoryWay'
>;

export interface ReportRange {
  from: number;
  to: number;
  /** UTC offsets in force over the range, for clinic-calendar buckets. */
  segments: readonly OffsetSegment[];
}

/** A cohort GROUP BY answer: registered in the bucket, and what became of them. */
export interface CohortRow {
  bucket: string | null;
  groupKey: string | null;
  inquiries: number;
  lost: number;
  booked: number;
  arrived: number;
  bookedArrived: number;
  spendFen: number;
}

/** One GROUP BY answer: `bucket` is null when the query is not bucketed. */
export interface MeasureRow {
  bucket: string | null;
  groupKey: string | null;
  count: number;
  /** lost (add_time query) or spend in fen (reach_time query); 0 otherwise. */
  extra: number;
}

type TimeColumn = 'add_time' | 'order_time' | 'reach_time';

const SQLITE_FORMAT: Record<FunnelBucket, string> = { day: '%Y-%m-%d', month: '%Y-%m', year: '%Y' };
const POSTGRES_FORMAT: Record<FunnelBucket, string> = { day: 'YYYY-MM-DD', month: 'YYYY-MM', year: 'YYYY' };

const GROUP_COLUMN: Record<Exclude<FunnelGroup, 'none' | 'department'>, string> = {
  channel: 'patients.media_from_id',
  disease: 'patients.disease_id',
  doctor: 'patients.doctor_id',
  consultant: 'patients.author_id',
  advisory_way: 'patients.advisory_way',
};

/*
 * Expressions are built from literals only (sql.lit), never bound parameters: PostgreSQL
 * matches a GROUP BY expression to the select list by its text, and `$1` vs `$3` differ.
 */
function clinicLocalSeconds(column: TimeColumn, segments: readonly OffsetSegment[]): RawBuilder<number> {
  const ref = sql.ref(`patients.${column}`);
  if (segments.length === 1) return sql<number>`(${ref} + ${sql.lit(segments[0]!.offsetSeconds)})`;
  const branches = segments.map((segment) =>
    segment.until === null
      ? sql`else ${sql.lit(segment.offsetSeconds)}`
      : sql`when ${ref} < ${sql.lit(segment.until)} then ${sql.lit(segment.offsetSeconds)}`,
  );
  return sql<number>`(${ref} + case ${sql.join(branches, sql` `)} end)`;
}

function bucketExpression(
  dialect: DialectName,
  column: TimeColumn,
  bucket: FunnelBucket,
  segments: readonly OffsetSegment[],
): RawBuilder<string> {
  const local = clinicLocalSeconds(column, segments);
  return dialect === 'sqlite'
    ? sql<string>`strftime(${sql.lit(SQLITE_FORMAT[bucket])}, ${local}, 'unixepoch')`
    : sql<string>`to_char(to_timestamp(${local}) at time zone 'UTC', ${sql.lit(POSTGRES_FORMAT[bucket])})`;
}

function groupExpression(group: FunnelGroup): RawBuilder<string | number | null> {
  if (group === 'none') return sql<null>`null`;
  if (group === 'department') return sql<number | null>`${sql.ref('group_disease.department_id')}`;
  return sql<string | number | null>`${sql.ref(GROUP_COLUMN[group])}`;
}

/** Funnel and rank figures: GROUP BY in SQL over the time-column index, scoped like the list. */
export class StatisticsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  /**
   * Patients whose `column` falls in the range, counted per bucket and group. The add_time
   * query also counts the lost (state 2), the reach_time query sums spend.
   */
  async measure(
    column: TimeColumn,
    scope: PatientScope,
    filters: ReportFilters,
    range: ReportRange,
    bucket: FunnelBucket | null,
    group: FunnelGroup,
  ): Promise<MeasureRow[]> {
    const extra =
      column === 'add_time'
        ? sql<number>`coalesce(sum(case when ${sql.ref('patients.state')} = 2 then 1 else 0 end), 0)`
        : column === 'reach_time'
          ? sql<number>`coalesce(sum(${sql.ref('patients.spend_fen')}), 0)`
          : sql<number>`0`;
    const rows = await this.grouped(column, scope, filters, range, bucket, group, {
      count: sql<number>`count(*)`,
      extra,
    });
    // Without a GROUP BY an empty range still answers one row, of zeros.
    return rows
      .map((row) => ({
        bucket: row.bucket,
        groupKey: row.groupKey,
        count: Number(row.count),
        extra: Number(row.extra),
      }))
      .filter((row) => row.count > 0);
  }

  /**
   * The cohort of [from, to]: the patients registered in it (by add_time bucket and group), and
   * of them how many booked, arrived, both, are lost, and their spend. Read by the cohort view
   * where the rollup cannot answer (a scoped caller, a consultant grouping, the part-days).
   */
  async cohort(
    scope: PatientScope,
    filters: ReportFilters,
    range: ReportRange,
    bucket: FunnelBucket | null,
    group: FunnelGroup,
  ): Promise<CohortRow[]> {
    const countOf = (condition: RawBuilder<unknown>) =>
      sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
    const booked = sql`${sql.ref('patients.order_time')} is not null`;
    const arrived = sql`${sql.ref('patients.reach_time')} is not null`;
    const rows = await this.grouped('add_time', scope, filters, range, bucket, group, {
      inquiries: sql<number>`count(*)`,
      lost: countOf(sql`${sql.ref('patients.state')} = 2`),
      booked: countOf(booked),
      arrived: countOf(arrived),
      booked_arrived: countOf(sql`${booked} and ${arrived}`),
      spend_fen: sql<number>`coalesce(sum(${sql.ref('patients.spend_fen')}), 0)`,
    });
    const cohorts = rows.map((row) => ({
      bucket: row.bucket,
      groupKey: row.groupKey,
      inquiries: Number(row.inquiries),
      lost: Number(row.lost),
      booked: Number(row.booked),
      arrived: Number(row.arrived),
      bookedArrived: Number(row.booked_arrived),
      spendFen: Number(row.spend_fen),
    }));
    return cohorts.filter((row) => row.inquiries > 0);
  }

  /** One GROUP BY over the patients whose `column` is in the range, scoped like the list, with these aggregates. */
  private async grouped<A extends string>(
    column: TimeColumn,
    scope: PatientScope,
    filters: ReportFilters,
    range: ReportRange,
    bucket: FunnelBucket | null,
    group: FunnelGroup,
    aggregates: Record<A, RawBuilder<number>>,
  ): Promise<({ bucket: string | null; groupKey: string | null } & Record<A, unknown>)[]> {
    const where = (eb: ExpressionBuilder<Database, 'patients'>) =>
      eb.and([
        scopeCondition(eb, scope),
        ...filterConditions(eb, filters),
        eb(`patients.${column}`, '>=', range.from),
        eb(`patients.${column}`, '<=', range.to),
      ]);
    const base = this.db.selectFrom('patients').where(where);
    // Only the department grouping needs the disease row; the select below uses raw refs only.
    const source =
      group === 'department'
        ? (base.leftJoin(
            'diseases as group_disease',
            'group_disease.id',
            'patients.disease_id',
          ) as unknown as typeof base)
        : base;
    const bucketSql: RawBuilder<string | null> =
      bucket === null ? sql<null>`null` : bucketExpression(this.dialect, column, bucket, range.segments);
    const groupSql = groupExpression(group);
    const grouping = [...(bucket === null ? [] : [bucketSql]), ...(group === 'none' ? [] : [groupSql])];
    let query = source.select([
      bucketSql.as('bucket'),
      groupSql.as('group_key'),
      ...(Object.entries(aggregates) as [A, RawBuilder<number>][]).map(([name, aggregate]) => aggregate.as(name)),
    ]);
    if (grouping.length > 0) query = query.groupBy(grouping);
    const rows = (await query.execute()) as unknown as ({
      bucket: unknown;
      group_key: unknown;
    } & Record<A, unknown>)[];
    return rows.map((row) => ({
      ...row,
      bucket: row.bucket === null ? null : String(row.bucket),
      groupKey: row.group_key === null ? null : String(row.group_key),
    }));
  }

  /** Catalog names for the group keys (deactivated entries included), one query per report. */
  async groupLabels(group: FunnelGroup, keys: string[]): Promise<Map<string, string>> {
    const labels = new Map<string, string>();
    if (group === 'none' || keys.length === 0) return labels;
    if (group === 'advisory_way') {
      for (const key of keys) labels.set(key, key);
      return labels;
    }
    const ids = keys.map(Number).filter(Number.isInteger);
    if (ids.length === 0) return labels;
    const rows =
      group === 'consultant'
        ? await this.db
            .selectFrom('staff_users')
            .select(['id', 'display_name as name'])
            .where('id', 'in', ids)
            .execute()
        : await this.db.selectFrom(CATALOG_TABLE[group]).select(['id', 'name']).where('id', 'in', ids).execute();
    for (const row of rows) labels.set(String(row.id), row.name);
    return labels;
  }
}

const CATALOG_TABLE = {
  channel: 'channels',
  disease: 'diseases',
  department: 'departments',
  doctor: 'doctors',
} as const;
