import { type Kysely, sql } from 'kysely';
import type { Database, Executor, VerificationPurpose } from '../../../db/schema.js';

/** Codes sent (stored as HMACs) and the request counters per phone and per client address. */
export class VerificationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Counts one request against a key, in one statement, or refuses it: the key's requests of
   * this clinic day must be under `cap`, and its last request at least `minIntervalSeconds` ago.
   * The upsert's condition is evaluated on the row as locked, so concurrent requests on several
   * instances cannot both pass the last slot.
   */
  async countRequest(
    key: string,
    day: string,
    now: number,
    cap: number,
    minIntervalSeconds: number,
    db: Executor,
  ): Promise<boolean> {
    const row = await db
      .insertInto('verification_limits')
      .values({ key, day, requests: 1, last_request_at: now })
      .onConflict((conflict) =>
        conflict
          .column('key')
          .doUpdateSet({
            requests: sql<number>`case when verification_limits.day = ${day} then verification_limits.requests + 1 else 1 end`,
            day,
            last_request_at: now,
          })
          .where(sql<boolean>`(verification_limits.day <> ${day} or verification_limits.requests < ${cap})`)
          .where(sql<boolean>`verification_limits.last_request_at <= ${now - minIntervalSeconds}`),
      )
      .returning('requests')
      .executeTakeFirst();
    return row !== undefined;
  }

  limitState(key: string, db: Executor) {
    return db
      .selectFrom('verification_limits')
      .select(['day', 'requests', 'last_request_at'])
      .where('key', '=', key)
      .executeTakeFirst();
  }

  /** Earlier codes of the phone and purpose stop working when a new one is sent: only the latest counts. */
  async supersede(phone: string, purpose: VerificationPurpose, now: number, db: Executor): Promise<void> {
    await db
      .updateTable('verification_codes')
      .set({ consumed_at: now })
      .where('phone', '=', phone)
      .where('purpose', '=', purpose)
      .where('consumed_at', 'is', null)
      .execute();
  }

  async insert(
    code: {
      phone: string;
      purpose: VerificationPurpose;
      accountId: number | null;
      codeHash: string;
      now: number;
      expiresAt: number;
    },
    db: Executor,
  ): Promise<number> {
    const row = await db
      .insertInto('verification_codes')
      .values({
        phone: code.phone,
        purpose: code.purpose,
        account_id: code.accountId,
        code_hash: code.codeHash,
        created_at: code.now,
        expires_at: code.expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The newest code of the phone and purpose (and account, for a change of phone), live or not. */
  latest(phone: string, purpose: VerificationPurpose, accountId: number | null) {
    return this.db
      .selectFrom('verification_codes')
      .select(['id', 'code_hash', 'attempts', 'expires_at', 'consumed_at', 'account_id'])
      .where('phone', '=', phone)
      .where('purpose', '=', purpose)
      .$if(accountId !== null, (query) => query.where('account_id', '=', accountId!))
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * Takes one of the code's checks before it is compared, in one statement: at most `maxChecks`
   * comparisons per code however many requests race. False when none is left, or the code
   * expired or was used.
   */
  async reserveCheck(id: number, now: number, maxChecks: number): Promise<boolean> {
    const result = await this.db
      .updateTable('verification_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('attempts', '<', maxChecks)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Uses the code up, in the transaction of what it allowed; false when another request used it first. */
  async consume(id: number, now: number, db: Executor): Promise<boolean> {
    const result = await db
      .updateTable('verification_codes')
      .set({ consumed_at: now })
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Housekeeping: codes a day past their expiry, and counters of earlier days. */
  async purgeStale(now: number, today: string): Promise<number> {
    const codes = await this.db
      .deleteFrom('verification_codes')
      .where('expires_at', '<', now - 86_400)
      .executeTakeFirst();
    const limits = await this.db
      .deleteFrom('verification_limits')
      .where('day', '<>', today)
      .where('last_request_at', '<', now - 86_400)
      .executeTakeFirst();
    return Number(codes.numDeletedRows) + Number(limits.numDeletedRows);
  }
}
