import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../http/errors.js';

/**
 * Failed-login throttling kept in the database, so every instance behind a load balancer
 * sees the same counters. An account key locks after a few failures, an IP key after many
 * (one address spraying many accounts). A lock lasts at most LOCK_SECONDS and is not
 * extended by attempts made while locked, so an attacker cannot keep a real user out
 * for longer than that at a time.
 */
export const WINDOW_SECONDS = 15 * 60;
export const LOCK_SECONDS = 15 * 60;

export interface ThrottleKey {
  key: string;
  limit: number;
}

export const ACCOUNT_FAILURE_LIMIT = 5;
export const IP_FAILURE_LIMIT = 30;

export function loginThrottleKeys(family: 'staff' | 'patient', account: string, ip: string): { account: ThrottleKey; ip: ThrottleKey } {
  return {
    account: { key: `${family}:account:${account.toLowerCase()}`, limit: ACCOUNT_FAILURE_LIMIT },
    ip: { key: `${family}:ip:${ip}`, limit: IP_FAILURE_LIMIT },
  };
}

export class LoginThrottle {
  constructor(private readonly db: Kysely<Database>) {}

  /** Throws too_many_attempts (429, with Retry-After) while any of the keys is locked. */
  async assertNotLocked(keys: ThrottleKey[], now: number): Promise<void> {
    const rows = await this.db
      .selectFrom('login_throttle')
      .select(['key', 'locked_until'])
      .where('key', 'in', keys.map((k) => k.key))
      .where('locked_until', '>', now)
      .execute();
    if (rows.length === 0) return;
    const until = Math.max(...rows.map((row) => row.locked_until ?? now));
    const retryAfterSeconds = Math.max(1, until - now);
    throw new AppError('too_many_attempts', `登录失败次数过多，请 ${Math.ceil(retryAfterSeconds / 60)} 分钟后再试`, { retryAfterSeconds });
  }

  /** Counts a failure on every key; returns the keys that became locked by it. */
  async recordFailure(keys: ThrottleKey[], now: number): Promise<ThrottleKey[]> {
    const locked: ThrottleKey[] = [];
    const windowStart = now - WINDOW_SECONDS;
    for (const throttleKey of keys) {
      const row = await this.db
        .insertInto('login_throttle')
        .values({ key: throttleKey.key, failures: 1, window_started_at: now, locked_until: null })
        .onConflict((conflict) =>
          conflict.column('key').doUpdateSet({
            failures: sql<number>`case when login_throttle.window_started_at < ${windowStart} then 1 else login_throttle.failures + 1 end`,
            window_started_at: sql<number>`case when login_throttle.window_started_at < ${windowStart} then ${now} else login_throttle.window_started_at end`,
          }),
        )
        .returning(['failures', 'locked_until'])
        .executeTakeFirstOrThrow();
      const alreadyLocked = row.locked_until !== null && row.locked_until > now;
      if (!alreadyLocked && row.failures >= throttleKey.limit) {
        await this.db
          .updateTable('login_throttle')
          .set({ locked_until: now + LOCK_SECONDS, failures: 0, window_started_at: now })
          .where('key', '=', throttleKey.key)
          .execute();
        locked.push(throttleKey);
      }
    }
    return locked;
  }

  /** A successful login forgets the account's failures (never the IP's). */
  async clear(throttleKey: ThrottleKey): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('key', '=', throttleKey.key).execute();
  }

  /** Rows whose failure window and lock have both passed. */
  async purgeStale(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom('login_throttle')
      .where('window_started_at', '<', now - WINDOW_SECONDS)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
