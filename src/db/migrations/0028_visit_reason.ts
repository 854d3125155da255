import type { Kysely, Migration } from 'kysely';

/*
 * The reason for a visit (就诊原因, issue 19): what the patient (or staff booking for them) says
 * the appointment is for, shown on 医生工作台. Optional; the doctor's day falls back to the disease
 * on the patient's record when a booking has none (every booking before this migration).
 */
export function visitReasonMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('appointments').addColumn('visit_reason', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('appointments').dropColumn('visit_reason').execute();
    },
  };
}
