import type { Kysely, Migration } from 'kysely';
import { grantToDefaultRoles, revokeFromAllRoles } from '../role-grants.js';

/*
 * Marketing cost (issue 17): what a clinic spends per channel per month, entered or imported
 * by holders of statistics:costs (the administrator and 院长/主管), so that the statistics can
 * say what an inquiry, an appointment and an arrival cost and what the spend brought back.
 * One row per channel and calendar month ('YYYY-MM', the clinic's calendar); amounts in fen.
 * A deactivated channel keeps its spend (history); a channel with spend cannot be deleted
 * (the foreign key), as one with patients cannot.
 */
export function marketingCostsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('marketing_costs')
        .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id'))
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('amount_fen', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'integer', (c) => c.references('staff_users.id'))
        .addPrimaryKeyConstraint('marketing_costs_pk', ['channel_id', 'month'])
        .execute();
      // Reports read a range of months across channels.
      await db.schema.createIndex('marketing_costs_month_idx').on('marketing_costs').column('month').execute();
      await grantToDefaultRoles(db, 'statistics:costs', ['院长/主管']);
    },
    async down(db: Kysely<any>) {
      await revokeFromAllRoles(db, 'statistics:costs');
      await db.schema.dropTable('marketing_costs').ifExists().execute();
    },
  };
}
