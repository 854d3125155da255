import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Database, Executor } from '../../db/schema.js';

/** Each staff account's whole-phone-number lookups per clinic day (0014). */
export class PhoneLookupRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Adds `count` lookups to the account's day when the day's sum stays within `limit`, and
   * returns that sum; null (nothing added) when it would pass the limit. One statement: the row
   * is locked while it is checked and added to, so concurrent requests on any instance cannot
   * together take more than the limit.
   */
  async reserve(
    staffId: number,
    day: string,
    count: number,
    limit: number,
    db: Executor = this.db,
  ): Promise<number | null> {
    if (count > limit) return null;
    const row = await db
      .insertInto('phone_lookups')
      .values({ staff_id: staffId, day, lookups: count })
      .onConflict((conflict) =>
        conflict
          .columns(['staff_id', 'day'])
          .doUpdateSet({ lookups: sql<number>`phone_lookups.lookups + ${count}` })
          .where(sql<SqlBool>`phone_lookups.lookups + ${count} <= ${limit}`),
      )
      .returning('lookups')
      .executeTakeFirst();
    return row === undefined ? null : Number(row.lookups);
  }

  /** Lookups the account has made on that day. */
  async used(staffId: number, day: string, db: Executor = this.db): Promise<number> {
    const row = await db
      .selectFrom('phone_lookups')
      .select('lookups')
      .where('staff_id', '=', staffId)
      .where('day', '=', day)
      .executeTakeFirst();
    return row === undefined ? 0 : Number(row.lookups);
  }
}
