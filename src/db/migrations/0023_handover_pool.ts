import { type Kysely, type Migration, type SqlBool, sql } from 'kysely';
import { grantToDefaultRoles, revokeFromAllRoles } from '../role-grants.js';

/*
 * Handover and the shared pool (公海), issue 17.
 *
 * A patient's consultant is patients.author_id (who registered them, until a handover or a
 * claim moves them): handing over is one UPDATE of author_id, and the rollup's author
 * dimension, the scopes and the lists follow it. The shared pool is the live patients without
 * a consultant (author_id null): portal self-registrations, and the patients returned by the
 * POOL_RETURN_DAYS rule, which sets pooled_at (when they entered the pool) for the list to show.
 * A claim sets author_id back and pooled_at to null.
 *
 * The return rule looks for consultants' patients whose latest contact (or registration, when
 * none) is older than N days: a partial index on that expression keeps the hourly check off a
 * scan of the whole pool.
 *
 * New permissions: patients:handover (the administrator and 院长/主管), patients:pool (see and
 * claim the pool: the administrator and 咨询客服).
 */
const HELD_LIVE = sql<SqlBool>`author_id is not null and deleted_at is null`;

export function handoverPoolMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('patients').addColumn('pooled_at', 'bigint').execute();
      await db.schema
        .createIndex('patients_idle_since_idx')
        .on('patients')
        .expression(sql`coalesce(last_contact_at, add_time)`)
        .where(HELD_LIVE)
        .execute();
      await grantToDefaultRoles(db, 'patients:handover', ['院长/主管']);
      await grantToDefaultRoles(db, 'patients:pool', ['咨询客服']);
    },
    async down(db: Kysely<any>) {
      await revokeFromAllRoles(db, 'patients:pool');
      await revokeFromAllRoles(db, 'patients:handover');
      await db.schema.dropIndex('patients_idle_since_idx').ifExists().execute();
      await db.schema.alterTable('patients').dropColumn('pooled_at').execute();
    },
  };
}
