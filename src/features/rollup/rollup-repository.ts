import { type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type RollupDimension as Dimension, ROLLUP_FIGURES, type RollupFigure } from '../../db/rollup-definition.js';
import type { Database } from '../../db/schema.js';
import { DAYS_MARGIN_SECONDS } from './clinic-days.js';

/** Time buckets a report sums days into. */
export type RollupBucket = 'day' | 'month' | 'year';

/** Every figure the rollup counts (db/rollup-definition.ts): the activity ones (0008) and the cohort ones (0020). */
export type { RollupFigure };
export type RollupFigures = Record<RollupFigure, number>;

/** The figures of one day, dimension and group (migrations 0008, 0020). */
type DayFigureRow = RollupFigures & {
  dimension: Dimension;
  day: number;
  group_key: string;
};

/** The rollup's tables (migration 0008), added to the schema where they are used. */
export type RollupTables = {
  patient_day_counts: DayFigureRow;
  /** PostgreSQL: changes not yet folded into patient_day_counts (same columns, many rows per key). */
  patient_day_deltas: DayFigureRow;
  clinic_utc_offsets: { from_utc: number; offset_seconds: number };
  patient_day_counts_zone: {
    id: number;
    time_zone: string | null;
    covered_from: number | null;
    covered_until: number | null;
    rebuilt_at: number | null;
  };
};

export type RollupDatabase = Database & RollupTables;
/** The statistics' dimensions: one catalog value each, per clinic day. */
export type RollupDimension = Extract<Dimension, 'none' | 'channel' | 'disease' | 'doctor' | 'advisory_way'>;
/** The pool list's dimensions (0011): live patients by add day, state and channel; and by author, all days in one row. */
type AddedDimension = Extract<Dimension, 'none' | 'channel' | 'state_channel' | 'author'>;

/** The rollup rows of a pool list's filters: one group_key, or every key that starts with `prefix`. */
export type AddedKeys = { dimension: AddedDimension; key: string } | { dimension: AddedDimension; prefix: string };

/** A count of the live patients added in whole days, as of the rollup's zone row read with it. */
export interface AddedCount {
  zone: RollupZone | null;
  total: number;
}

/** The time zone the rollup counts days in, and the instants its offset periods are exact for. */
export interface RollupZone {
  timeZone: string;
  coveredFrom: number;
  coveredUntil: number;
}

export interface RollupSum {
  bucket: string | null;
  /** The dimension's value (catalog id or advisory way); null = not filled in. */
  key: string | null;
  /** The figures asked for (the others read 0). */
  figures: RollupFigures;
}

/** "2024-03-01" for a day number (days since 1970-01-01 in the clinic calendar). */
const dateOfDay = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** The month or year buckets over [firstDay, lastDay]: labels, and the first day of each after the first. */
function bucketsOf(
  firstDay: number,
  lastDay: number,
  bucket: 'month' | 'year',
): { labels: string[]; starts: number[] } {
  const length = bucket === 'month' ? 7 : 4;
  const labels = [dateOfDay(firstDay).slice(0, length)];
  const starts: number[] = [];
  const cursor = new Date(firstDay * 86_400_000);
  for (;;) {
    if (bucket === 'month') cursor.setUTCMonth(cursor.getUTCMonth() + 1, 1);
    else cursor.setUTCFullYear(cursor.getUTCFullYear() + 1, 0, 1);
    const start = cursor.getTime() / 86_400_000;
    if (start > lastDay) break;
    starts.push(start);
    labels.push(dateOfDay(start).slice(0, length));
  }
  return { labels, starts };
}

/** SQL: the index of the bucket `day` falls in, given the sorted first days of buckets 1..n. */
function bucketIndex(starts: number[], low = 0, high = starts.length): string {
  if (low === high) return String(low);
  const middle = (low + high + 1) >> 1;
  return `case when day < ${starts[middle - 1]} then ${bucketIndex(starts, low, middle - 1)} else ${bucketIndex(starts, middle, high)} end`;
}

/** group_key encoding of migration 0008: '' for no value, '#' + value otherwise. */
export const encodeKey = (value: string | number): string => `#${value}`;
const decodeKey = (groupKey: string): string | null => (groupKey === '' ? null : groupKey.slice(1));

/**
 * Whether sums read with `zone` answer for a clinic in `timeZone` over [from, to] (any day when
 * no range): the rollup must count days in that zone, and is exact only inside its offsets' span.
 */
export function rollupAnswers(
  zone: RollupZone | null,
  timeZone: string,
  range?: { from: number; to: number },
): boolean {
  if (!zone || zone.timeZone !== timeZone) return false;
  return (
    !range ||
    (range.from - DAYS_MARGIN_SECONDS >= zone.coveredFrom && range.to + DAYS_MARGIN_SECONDS < zone.coveredUntil)
  );
}

type ZoneRow = Pick<RollupTables['patient_day_counts_zone'], 'time_zone' | 'covered_from' | 'covered_until'>;

const zoneOf = (row: ZoneRow): RollupZone | null =>
  row.time_zone === null || row.covered_from === null || row.covered_until === null
    ? null
    : { timeZone: row.time_zone, coveredFrom: Number(row.covered_from), coveredUntil: Number(row.covered_until) };

/** Reads of patient_day_counts (and deltas): sums of a day range of one dimension, by clinic-calendar bucket. */
export class RollupRepository {
  private readonly db: Kysely<RollupDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<RollupTables>();
  }

  /**
   * Sums per bucket and group_key, with the zone the rollup was built for (null: none yet),
   * read in the same statement so that a report costs one round trip: the caller computes the
   * days in its own zone and drops the sums if the rollup's differs. Buckets are found by
   * comparing day numbers with the buckets' first days (a balanced CASE, a few integer
   * comparisons per row): cheaper on both databases than formatting a date per row. Only the
   * `figures` a report reads are summed (a year by month and channel at 1M sums ~15k rows).
   */
  async sums(
    dimension: RollupDimension,
    days: { firstDay: number; lastDay: number },
    bucket: RollupBucket | null,
    figures: readonly RollupFigure[],
    key?: string,
  ): Promise<{ zone: RollupZone | null; sums: RollupSum[] }> {
    const buckets = bucket === null || bucket === 'day' ? null : bucketsOf(days.firstDay, days.lastDay, bucket);
    const bucketSql: RawBuilder<number | null> =
      bucket === null
        ? sql<null>`null`
        : buckets === null
          ? sql<number>`day`
          : sql<number>`${sql.raw(bucketIndex(buckets.starts))}`;
    const rowsOf = (table: 'patient_day_counts' | 'patient_day_deltas') => {
      const rows = this.db
        .selectFrom(table)
        .select(['day', 'group_key', ...figures])
        .where('dimension', '=', dimension)
        .where('day', '>=', days.firstDay)
        .where('day', '<=', days.lastDay);
      return key === undefined ? rows : rows.where('group_key', '=', key);
    };
    // The counts plus the changes not yet folded in, read in one statement (one snapshot).
    const query = this.db
      .selectFrom(rowsOf('patient_day_counts').unionAll(rowsOf('patient_day_deltas')).as('c'))
      .select([
        bucketSql.as('bucket'),
        'group_key',
        ...figures.map((figure) => sql<number>`sum(${sql.ref(figure)})`.as(figure)),
      ])
      // A range inside one bucket has a constant bucket, which GROUP BY would read as a column number.
      .groupBy(bucket === null || buckets?.starts.length === 0 ? ['group_key'] : [bucketSql, 'group_key']);
    // The zone row always comes back; with no sums, once with nulls.
    const rows = await this.db
      .selectFrom('patient_day_counts_zone as z')
      .leftJoin(query.as('s'), (join) => join.onTrue())
      .select(['z.time_zone', 'z.covered_from', 'z.covered_until', 's.bucket', 's.group_key'])
      .select(figures.map((figure) => `s.${figure}` as const))
      .where('z.id', '=', 1)
      .execute();
    const labelOf = (value: number | null): string | null =>
      value === null ? null : buckets === null ? dateOfDay(Number(value)) : buckets.labels[Number(value)]!;
    const sums = rows
      .filter((row): row is typeof row & { group_key: string } => row.group_key !== null)
      .map((row) => ({
        bucket: bucket === null ? null : labelOf(row.bucket),
        key: decodeKey(row.group_key),
        // PostgreSQL's sums are bigints, read as strings.
        figures: Object.fromEntries(
          ROLLUP_FIGURES.map((figure) => [figure, Number((row as Record<string, unknown>)[figure] ?? 0)]),
        ) as RollupFigures,
      }))
      .filter((sum) => figures.some((figure) => sum.figures[figure] !== 0));
    return { zone: rows[0] ? zoneOf(rows[0]) : null, sums };
  }

  /**
   * Live patients added on clinic days firstDay..lastDay (null: on any day) under `keys`, plus
   * the patients `edges` match (the part-days at a range's ends), with the zone the rollup was
   * built for: one statement, one snapshot. The caller decides from the zone whether to trust it.
   */
  async addedCount(
    keys: AddedKeys,
    days: { firstDay: number; lastDay: number } | null,
    edges: ((eb: ExpressionBuilder<Database, 'patients'>) => Expression<SqlBool>)[],
  ): Promise<AddedCount> {
    // author rows all lie on day 0 (0011): naming it makes the lookup one key, not a scan of every consultant's row.
    const dayRange = keys.dimension === 'author' ? { firstDay: 0, lastDay: 0 } : days;
    const rowsOf = (table: 'patient_day_counts' | 'patient_day_deltas') => {
      let rows = this.db.selectFrom(table).select('inquiries').where('dimension', '=', keys.dimension);
      if (dayRange) rows = rows.where('day', '>=', dayRange.firstDay).where('day', '<=', dayRange.lastDay);
      if ('key' in keys) return rows.where('group_key', '=', keys.key);
      // '$' follows '#': the keys '#0#…' lie in ['#0#', '#0$'), apart from '#1…' and '#10…'.
      return rows.where((eb) =>
        eb.or([
          eb('group_key', '=', keys.prefix),
          eb.and([eb('group_key', '>=', `${keys.prefix}#`), eb('group_key', '<', `${keys.prefix}$`)]),
        ]),
      );
    };
    const wholeDays = this.db
      .selectFrom(rowsOf('patient_day_counts').unionAll(rowsOf('patient_day_deltas')).as('c'))
      .select(sql<number>`coalesce(sum(inquiries), 0)`.as('n'));
    // The edges are built for the patients of Database; this.db knows the rollup tables too.
    const db = this.db as unknown as Kysely<Database>;
    const parts = [
      wholeDays,
      ...edges.map((edge) =>
        db
          .selectFrom('patients')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where(edge),
      ),
    ];
    const total = sql<number | string>`${sql.join(
      parts.map((part) => sql`(${part})`),
      sql` + `,
    )}`;
    const row = await this.db
      .selectFrom('patient_day_counts_zone')
      .select(['time_zone', 'covered_from', 'covered_until', total.as('total')])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    // PostgreSQL's sums and counts are bigints, read as strings.
    return { zone: zoneOf(row), total: Number(row.total) };
  }

  /** disease id -> department id (null: none), as the raw path's join to diseases sees it now. */
  async departmentOfDisease(): Promise<Map<string, string | null>> {
    const rows = await this.db.selectFrom('diseases').select(['id', 'department_id']).execute();
    return new Map(rows.map((row) => [String(row.id), row.department_id === null ? null : String(row.department_id)]));
  }
}
