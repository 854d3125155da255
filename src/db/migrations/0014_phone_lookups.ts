import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.js';

/*
 * Whole-phone-number lookups by staff who see phones masked (issue 14): one row per staff
 * account and clinic day, counting the lookups made that day. The cap is checked and counted in
 * one upsert on this row, so several instances behind a load balancer share one count, and two
 * concurrent requests cannot both take the last lookup. A deleted account's rows go with it (the
 * audit log keeps what it looked up).
 */
export function phoneLookupsMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('phone_lookups')
        .addColumn('staff_id', 'integer', (column) => column.notNull().references('staff_users.id').onDelete('cascade'))
        .addColumn('day', 'text', (column) => column.notNull())
        .addColumn('lookups', 'integer', (column) => column.notNull())
        .addPrimaryKeyConstraint('phone_lookups_pkey', ['staff_id', 'day'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('phone_lookups').ifExists().execute();
    },
  };
}
