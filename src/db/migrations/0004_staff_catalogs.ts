import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.js';

/*
 * Staff administration, catalogs and the audit-log query:
 * - catalog names are unique where a duplicate could only confuse (a department, a disease
 *   within its department, a channel), so a concurrent double submit cannot create twins;
 * - indexes for the filters the new lists offer (staff by active flag, audit by outcome).
 * The "is this advisory way still referenced" check (patients store its name) uses
 * patients_advisory_way_add_time_idx from 0003_patient_pool.
 */
export function staffCatalogsMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('departments_name_unique').on('departments').column('name').unique().execute();
      await db.schema
        .createIndex('diseases_department_name_unique')
        .on('diseases')
        .columns(['department_id', 'name'])
        .unique()
        .execute();
      await db.schema.createIndex('channels_name_unique').on('channels').column('name').unique().execute();
      await db.schema.createIndex('staff_users_active_idx').on('staff_users').columns(['is_active', 'id']).execute();
      await db.schema
        .createIndex('audit_log_outcome_idx')
        .on('audit_log')
        .columns(['outcome', 'occurred_at'])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const index of [
        'audit_log_outcome_idx',
        'staff_users_active_idx',
        'channels_name_unique',
        'diseases_department_name_unique',
        'departments_name_unique',
      ]) {
        await db.schema.dropIndex(index).ifExists().execute();
      }
    },
  };
}
