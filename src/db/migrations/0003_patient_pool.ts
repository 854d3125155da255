import type { Kysely, Migration } from 'kysely';

/*
 * Indexes for the pool's full life: the list filters that 0001 did not cover (each with
 * add_time last, so a filtered first page sorted by registration time is a range scan),
 * the duplicate check on wechat / qq, and the "latest follow-up per patient by this user"
 * lookup behind the follow-ups-due list.
 */
const PATIENT_INDEXES: [string, string[]][] = [
  ['patients_doctor_add_time_idx', ['doctor_id', 'add_time']],
  ['patients_advisory_way_add_time_idx', ['advisory_way', 'add_time']],
  ['patients_visit_count_add_time_idx', ['visit_count', 'add_time']],
  ['patients_wechat_idx', ['wechat']],
  ['patients_qq_idx', ['qq']],
];

export function patientPoolMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      for (const [name, columns] of PATIENT_INDEXES) {
        await db.schema.createIndex(name).on('patients').columns(columns).execute();
      }
      await db.schema
        .createIndex('follow_ups_patient_staff_idx')
        .on('follow_ups')
        .columns(['patient_id', 'staff_id', 'contact_time'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('follow_ups_patient_staff_idx').ifExists().execute();
      for (const [name] of PATIENT_INDEXES) await db.schema.dropIndex(name).ifExists().execute();
    },
  };
}
