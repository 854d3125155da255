import type { Kysely } from 'kysely';
import type { Database, Executor } from '../../../db/schema.js';

export interface CostEntry {
  channelId: number;
  month: string;
  amountFen: number;
}

/** A stored entry with its channel's name and who set it last. */
export interface StoredCost extends CostEntry {
  channelName: string;
  updatedAt: number;
  updatedBy: number | null;
  updatedByName: string | null;
}

/** Marketing spend per channel and month (migration 0021). */
export class CostRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(
    months: { from: string; to: string },
    channelId: number | undefined,
    db: Executor = this.db,
  ): Promise<StoredCost[]> {
    let query = db
      .selectFrom('marketing_costs as c')
      .innerJoin('channels as ch', 'ch.id', 'c.channel_id')
      .leftJoin('staff_users as s', 's.id', 'c.updated_by')
      .select([
        'c.channel_id',
        'c.month',
        'c.amount_fen',
        'c.updated_at',
        'c.updated_by',
        'ch.name as channel_name',
        's.display_name as updated_by_name',
      ])
      .where('c.month', '>=', months.from)
      .where('c.month', '<=', months.to);
    if (channelId !== undefined) query = query.where('c.channel_id', '=', channelId);
    const rows = await query.orderBy('c.month').orderBy('ch.sort_order').orderBy('c.channel_id').execute();
    // PostgreSQL's bigints are read as strings.
    return rows.map((row) => ({
      channelId: row.channel_id,
      month: row.month,
      amountFen: Number(row.amount_fen),
      channelName: row.channel_name,
      updatedAt: Number(row.updated_at),
      updatedBy: row.updated_by,
      updatedByName: row.updated_by_name,
    }));
  }

  /** The amounts stored now for these (channel, month) keys, in the caller's transaction. */
  async amountsOf(keys: readonly { channelId: number; month: string }[], db: Executor): Promise<Map<string, number>> {
    const amounts = new Map<string, number>();
    if (keys.length === 0) return amounts;
    const months = [...new Set(keys.map((key) => key.month))];
    const channels = [...new Set(keys.map((key) => key.channelId))];
    const rows = await db
      .selectFrom('marketing_costs')
      .select(['channel_id', 'month', 'amount_fen'])
      .where('month', 'in', months)
      .where('channel_id', 'in', channels)
      .execute();
    for (const row of rows) amounts.set(costKey(row.channel_id, row.month), Number(row.amount_fen));
    return amounts;
  }

  /** Sets each entry (null removes it): one upsert per entry, in the caller's transaction. */
  async set(
    entries: readonly (Omit<CostEntry, 'amountFen'> & { amountFen: number | null })[],
    by: number,
    now: number,
    db: Executor,
  ): Promise<void> {
    for (const entry of entries) {
      if (entry.amountFen === null) {
        await db
          .deleteFrom('marketing_costs')
          .where('channel_id', '=', entry.channelId)
          .where('month', '=', entry.month)
          .execute();
        continue;
      }
      await db
        .insertInto('marketing_costs')
        .values({
          channel_id: entry.channelId,
          month: entry.month,
          amount_fen: entry.amountFen,
          updated_at: now,
          updated_by: by,
        })
        .onConflict((conflict) =>
          conflict
            .columns(['channel_id', 'month'])
            .doUpdateSet({ amount_fen: entry.amountFen as number, updated_at: now, updated_by: by }),
        )
        .execute();
    }
  }

  /** Every channel, active or not (spend is history), by id and by name. */
  async channels(db: Executor = this.db): Promise<{ id: number; name: string }[]> {
    return db.selectFrom('channels').select(['id', 'name']).orderBy('id').execute();
  }
}

export const costKey = (channelId: number, month: string): string => `${channelId}|${month}`;
