import { type Kysely, sql } from 'kysely';
import type { Database, Executor } from '../db/schema.js';

/** What a granted reservation needs to settle later. */
export interface ReservedSlot {
  /** The window the slot belongs to: a refund into a later window would give away a slot it never took. */
  windowStartedAt: number;
  /** This slot was the key's last one: the lock began with it. */
  filledTheKey: boolean;
}

/**
 * The `login_throttle` rows. `failures` counts the password checks reserved in the current
 * window (those in flight and those that failed); reaching the limit sets `locked_until`.
 * SQL for the throttle lives here and nowhere else.
 */
export class LoginThrottleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Takes one slot of the key in one statement, or none. The upsert's WHERE is evaluated on the
   * row as it stands once locked (PostgreSQL locks the conflicting row; SQLite has one writer),
   * so however many requests race on one key, on however many instances, at most `limit` slots
   * are granted per window. A refused upsert changes nothing and returns no row: attempts made
   * while locked neither count nor extend the lock.
   */
  async reserve(
    db: Executor,
    key: string,
    limit: number,
    now: number,
    windowSeconds: number,
    lockSeconds: number,
  ): Promise<ReservedSlot | undefined> {
    const staleBefore = now - windowSeconds;
    // A new window starts when the old one has passed or a lock has run out.
    const startsAfresh = sql<boolean>`(login_throttle.window_started_at < ${staleBefore} or login_throttle.locked_until <= ${now})`;
    const reservedCount = sql<number>`case when ${startsAfresh} then 1 else login_throttle.failures + 1 end`;
    const row = await db
      .insertInto('login_throttle')
      .values({ key, failures: 1, window_started_at: now, locked_until: 1 >= limit ? now + lockSeconds : null })
      .onConflict((conflict) =>
        conflict
          .column('key')
          .doUpdateSet({
            failures: reservedCount,
            window_started_at: sql<number>`case when ${startsAfresh} then ${now} else login_throttle.window_started_at end`,
            // cast: PostgreSQL would type a bare parameter beside NULL as text
            locked_until: sql<
              number | null
            >`case when ${reservedCount} >= ${limit} then cast(${now + lockSeconds} as bigint) else null end`,
          })
          .where(sql<boolean>`(login_throttle.locked_until is null or login_throttle.locked_until <= ${now})`)
          .where(sql<boolean>`(${startsAfresh} or login_throttle.failures < ${limit})`),
      )
      .returning(['failures', 'window_started_at'])
      .executeTakeFirst();
    if (!row) return undefined;
    return { windowStartedAt: Number(row.window_started_at), filledTheKey: Number(row.failures) >= limit };
  }

  /** The key's state, to tell a refused request how long to wait. */
  state(db: Executor, key: string) {
    return db
      .selectFrom('login_throttle')
      .select(['failures', 'window_started_at', 'locked_until'])
      .where('key', '=', key)
      .executeTakeFirst();
  }

  /**
   * Gives one slot back to its window; a lock that rested on it (the key was full) lifts,
   * since the check it stood for did not fail.
   */
  async refund(key: string, limit: number, slot: ReservedSlot): Promise<void> {
    await this.db
      .updateTable('login_throttle')
      .set({
        failures: sql<number>`failures - 1`,
        locked_until: sql<number | null>`case when failures - 1 < ${limit} then null else locked_until end`,
      })
      .where('key', '=', key)
      .where('window_started_at', '=', slot.windowStartedAt)
      .where('failures', '>', 0)
      .execute();
  }

  /** Forgets every failure and lock of the key. */
  async forget(key: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('key', '=', key).execute();
  }

  /** Whether the lock that began with this slot still stands (a concurrent success may have lifted it). */
  async lockStands(key: string, slot: ReservedSlot, now: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('login_throttle')
      .select('key')
      .where('key', '=', key)
      .where('window_started_at', '=', slot.windowStartedAt)
      .where('locked_until', '>', now)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Rows whose window and lock have both passed. */
  async purgeStale(now: number, windowSeconds: number): Promise<number> {
    const result = await this.db
      .deleteFrom('login_throttle')
      .where('window_started_at', '<', now - windowSeconds)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
