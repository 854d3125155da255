import { type Kysely, sql, type Transaction } from 'kysely';
import type { DialectName } from '../../db/database.js';
import { compactionStatement, rollupRebuildStatements } from '../../db/rollup-definition.js';
import type { Database } from '../../db/schema.js';
import { COVERED_FROM, COVERED_UNTIL, type OffsetPeriod, utcOffsetPeriods } from './offset-periods.js';
import type { RollupDatabase, RollupTables } from './rollup-repository.js';

/*
 * Keeps patient_day_counts (migration 0008) in the configured clinic time zone: at startup,
 * when the stored offset periods or zone differ from CLINIC_TIMEZONE's (a new zone, a tzdata
 * update, or a database that was never started), rewrite the periods and rebuild the rollup
 * from the patients in one transaction. Writers wait meanwhile (PostgreSQL: SHARE lock on
 * patients; SQLite: the write lock), so no change is counted twice or lost.
 * PostgreSQL also folds patient_day_deltas into patient_day_counts every few seconds.
 */

const INSERT_BATCH = 500;
/** pg advisory lock: one writer of patient_day_counts at a time (compaction, rebuild). */
const ROLLUP_LOCK = 8_008_001;
const COMPACT_EVERY_MS = 5_000;

/** The offset at `time` as a balanced CASE over the periods: a few comparisons per row, no lookup. */
function offsetCase(time: string, periods: OffsetPeriod[], low = 0, high = periods.length - 1): string {
  if (low === high) return String(periods[low]!.offsetSeconds);
  const middle = (low + high + 1) >> 1;
  return `case when ${time} < ${periods[middle]!.fromUtc} then ${offsetCase(time, periods, low, middle - 1)} else ${offsetCase(time, periods, middle, high)} end`;
}

/** Clinic-local day number of a Unix-seconds column, by the offset CASE (floor division, also before 1970). */
const dayOf = (periods: OffsetPeriod[]) => (time: string) =>
  `(cast((${time} + ${offsetCase(time, periods)} + 86400000000) / 86400 as integer) - 1000000)`;

async function isCurrent(
  db: Kysely<RollupDatabase> | Transaction<RollupDatabase>,
  timeZone: string,
  periods: OffsetPeriod[],
): Promise<boolean> {
  const zone = await db.selectFrom('patient_day_counts_zone').selectAll().where('id', '=', 1).executeTakeFirst();
  if (
    !zone ||
    zone.time_zone !== timeZone ||
    Number(zone.covered_from) !== COVERED_FROM ||
    Number(zone.covered_until) !== COVERED_UNTIL
  )
    return false;
  const stored = await db
    .selectFrom('clinic_utc_offsets')
    .select(['from_utc', 'offset_seconds'])
    .orderBy('from_utc')
    .execute();
  return (
    stored.length === periods.length &&
    stored.every(
      (row, index) =>
        Number(row.from_utc) === periods[index]!.fromUtc &&
        Number(row.offset_seconds) === periods[index]!.offsetSeconds,
    )
  );
}

/** Rewrites the offset periods and recounts patient_day_counts from the patients (set-based). */
export async function rebuildRollup(trx: Transaction<RollupDatabase>, timeZone: string, now: number): Promise<void> {
  const periods = utcOffsetPeriods(timeZone);
  await trx.deleteFrom('patient_day_deltas').execute();
  await trx.deleteFrom('clinic_utc_offsets').execute();
  for (let start = 0; start < periods.length; start += INSERT_BATCH) {
    const batch = periods
      .slice(start, start + INSERT_BATCH)
      .map((period) => ({ from_utc: period.fromUtc, offset_seconds: period.offsetSeconds }));
    await trx.insertInto('clinic_utc_offsets').values(batch).execute();
  }
  await trx.deleteFrom('patient_day_counts').execute();
  for (const statement of rollupRebuildStatements(dayOf(periods))) await sql.raw(statement).execute(trx);
  await trx
    .updateTable('patient_day_counts_zone')
    .set({ time_zone: timeZone, covered_from: COVERED_FROM, covered_until: COVERED_UNTIL, rebuilt_at: now })
    .where('id', '=', 1)
    .execute();
}

/** Brings the rollup to `timeZone`; true when it had to be rebuilt. Safe to run from several instances at once. */
export async function syncRollup(database: Kysely<Database>, dialect: DialectName, timeZone: string): Promise<boolean> {
  const db = database.withTables<RollupTables>();
  const periods = utcOffsetPeriods(timeZone);
  if (await isCurrent(db, timeZone, periods)) return false;
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') {
      // A million patients take longer than the pool's per-statement limit (15 s).
      await sql`set local statement_timeout = 0`.execute(trx);
      // One rebuilder at a time, no compaction meanwhile; writers of patients wait for it (readers do not).
      await sql`lock table patient_day_counts_zone in exclusive mode`.execute(trx);
      await sql`select pg_advisory_xact_lock(${ROLLUP_LOCK})`.execute(trx);
      await sql`lock table patients in share mode`.execute(trx);
    } else {
      // Write first: a WAL transaction that reads, then writes after another writer fails (SQLITE_BUSY_SNAPSHOT).
      await trx
        .updateTable('patient_day_counts_zone')
        .set({ rebuilt_at: sql`rebuilt_at` })
        .where('id', '=', 1)
        .execute();
    }
    if (await isCurrent(trx, timeZone, periods)) return false;
    await rebuildRollup(trx, timeZone, Math.floor(Date.now() / 1000));
    if (dialect === 'postgres') await sql`analyze patient_day_counts`.execute(trx);
    return true;
  });
}

/**
 * PostgreSQL: moves the appended changes into patient_day_counts in one statement (readers,
 * which add the two tables in one snapshot, see the same sums before and after). Skipped
 * while another instance compacts or rebuilds. Returns the rollup rows written.
 */
export async function compactRollup(database: Kysely<Database>): Promise<number> {
  return database.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${ROLLUP_LOCK}) as locked`.execute(
      trx,
    );
    if (!rows[0]?.locked) return 0;
    const folded = await sql.raw(compactionStatement()).execute(trx);
    return Number(folded.numAffectedRows ?? 0);
  });
}

/** PostgreSQL: compacts every few seconds until the returned stop (which waits for a running one). SQLite has nothing to fold. */
export function startRollupCompaction(
  db: Kysely<Database>,
  dialect: DialectName,
  onError: (error: unknown) => void,
): () => Promise<void> {
  if (dialect !== 'postgres') return async () => {};
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    running ??= compactRollup(db)
      .catch(onError)
      .finally(() => {
        running = null;
      });
  }, COMPACT_EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
