import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

export type ReferenceTable = 'diseases' | 'channels' | 'doctors';

/**
 * Checks the catalog entries a patient record points to. New references must be active:
 * deactivated entries stay readable on old records but are not offered for new ones.
 */
export class ReferenceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async isActive(table: ReferenceTable, id: number, db: Kysely<Database> | Transaction<Database> = this.db): Promise<boolean> {
    const row = await db.selectFrom(table).select('is_active').where('id', '=', id).executeTakeFirst();
    return row?.is_active === 1;
  }

  async channelIdBySystemKey(systemKey: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<number | null> {
    const row = await db.selectFrom('channels').select('id').where('system_key', '=', systemKey).executeTakeFirst();
    return row?.id ?? null;
  }
}
