import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

export type ReferenceTable = 'diseases' | 'channels' | 'doctors';

/**
 * Checks the catalog entries a patient record points to. New references must be active:
 * deactivated entries stay readable on old records but are not offered for new ones.
 */
export class ReferenceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async isActive(
    table: ReferenceTable,
    id: number,
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<boolean> {
    if (table === 'diseases') {
      // A deactivated department takes its diseases out of the offer with it.
      const disease = await db
        .selectFrom('diseases')
        .innerJoin('departments', 'departments.id', 'diseases.department_id')
        .select(['diseases.is_active as disease_active', 'departments.is_active as department_active'])
        .where('diseases.id', '=', id)
        .executeTakeFirst();
      return disease?.disease_active === 1 && disease.department_active === 1;
    }
    const row = await db.selectFrom(table).select('is_active').where('id', '=', id).executeTakeFirst();
    return row?.is_active === 1;
  }

  async channelIdBySystemKey(
    systemKey: string,
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<number | null> {
    const row = await db.selectFrom('channels').select('id').where('system_key', '=', systemKey).executeTakeFirst();
    return row?.id ?? null;
  }
}
