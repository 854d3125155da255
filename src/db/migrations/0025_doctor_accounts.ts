import type { Kysely, Migration } from 'kysely';
import { grantToDefaultRoles, revokeFromAllRoles } from '../role-grants.js';

/*
 * Doctor accounts (issue 19, docs/doctors.md).
 *
 * A staff account may be one catalog doctor: staff_users.doctor_id, nullable, one account per
 * doctor (a unique index: SQLite adds no UNIQUE column to a table, and both dialects let several
 * nulls through a unique index). Such an account with patients:view_booked sees the patients
 * booked with that doctor; visits_doctor_idx serves that list from the visits side (appointments
 * have appointments_doctor_slot_idx already).
 *
 * appointments.seen_at: when the doctor marked an arrived patient seen (已诊) on 医生工作台; the status
 * stays 'arrived', so the front desk, the statistics and the rollup read appointments as before.
 *
 * The built-in 医生 role (builtin_key 'doctor') is seeded here, for new and existing installs: the
 * doctor's patients and 医生工作台, no marketing fields. A clinic that already named a role 医生
 * keeps it and its grants; it becomes the built-in one and gains the doctor's keys.
 */
const DOCTOR_ROLE_NAME = '医生';
const DOCTOR_ROLE_KEY = 'doctor';
const DOCTOR_PERMISSIONS = ['patients', 'patients:view_booked', 'doctor', 'doctor:day'];

export function doctorAccountsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('staff_users')
        .addColumn('doctor_id', 'integer', (c) => c.references('doctors.id'))
        .execute();
      await db.schema.createIndex('staff_users_doctor_uq').unique().on('staff_users').column('doctor_id').execute();
      await db.schema.alterTable('appointments').addColumn('seen_at', 'bigint').execute();
      await db.schema.createIndex('visits_doctor_idx').on('visits').columns(['doctor_id', 'patient_id']).execute();

      const existing = await db
        .selectFrom('roles')
        .select('id')
        .where((eb) => eb.or([eb('builtin_key', '=', DOCTOR_ROLE_KEY), eb('name', '=', DOCTOR_ROLE_NAME)]))
        .executeTakeFirst();
      const now = Math.floor(Date.now() / 1000);
      const roleId =
        existing?.id ??
        (
          await db
            .insertInto('roles')
            .values({ name: DOCTOR_ROLE_NAME, builtin_key: DOCTOR_ROLE_KEY, created_at: now })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      await db
        .updateTable('roles')
        .set((eb) => ({ builtin_key: DOCTOR_ROLE_KEY, version: eb('version', '+', 1) }))
        .where('id', '=', roleId)
        .execute();
      await db
        .insertInto('role_permissions')
        .values(DOCTOR_PERMISSIONS.map((permission_key) => ({ role_id: roleId, permission_key })))
        .onConflict((conflict) => conflict.doNothing())
        .execute();
      // The administrator holds every key; the new ones too (it has no doctor link, so no day of its own).
      for (const key of ['patients:view_booked', 'patients:view_marketing', 'doctor', 'doctor:day'])
        await grantToDefaultRoles(db, key, []);
    },
    async down(db: Kysely<any>) {
      for (const key of ['patients:view_booked', 'patients:view_marketing', 'doctor', 'doctor:day'])
        await revokeFromAllRoles(db, key);
      await db.updateTable('staff_users').set({ doctor_id: null }).execute();
      await db.updateTable('roles').set({ builtin_key: null }).where('builtin_key', '=', DOCTOR_ROLE_KEY).execute();
      await db.schema.dropIndex('visits_doctor_idx').ifExists().execute();
      await db.schema.dropIndex('staff_users_doctor_uq').ifExists().execute();
      await db.schema.alterTable('staff_users').dropColumn('doctor_id').execute();
      await db.schema.alterTable('appointments').dropColumn('seen_at').execute();
    },
  };
}
