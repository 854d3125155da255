import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.js';
import { withIdColumn } from './columns.js';

/*
 * The pool's life after registration: visits (arrivals, first or return, with spend),
 * follow-up contacts (回访), and who deleted a record into the recycle bin.
 * Money is kept in fen (integer cents) so sums are exact on both dialects.
 */
export function poolLifeMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('patients')
        .addColumn('spend_fen', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('patients')
        .addColumn('visit_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('patients').addColumn('deleted_by', 'integer').execute();
      await db.schema.createIndex('patients_deleted_idx').on('patients').columns(['deleted_at']).execute();

      await withIdColumn(db.schema.createTable('visits'), dialect)
        .addColumn('patient_id', 'integer', (c) => c.notNull().references('patients.id'))
        .addColumn('doctor_id', 'integer', (c) => c.references('doctors.id'))
        .addColumn('visit_time', 'bigint', (c) => c.notNull())
        .addColumn('is_first_visit', 'integer', (c) => c.notNull())
        .addColumn('spend_fen', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('appointment_id', 'integer')
        .addColumn('notes', 'text')
        .addColumn('recorded_by', 'integer', (c) => c.references('staff_users.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('visits_patient_idx').on('visits').columns(['patient_id', 'visit_time']).execute();
      await db.schema.createIndex('visits_time_idx').on('visits').columns(['visit_time']).execute();

      await withIdColumn(db.schema.createTable('follow_ups'), dialect)
        .addColumn('patient_id', 'integer', (c) => c.notNull().references('patients.id'))
        .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff_users.id'))
        .addColumn('contact_time', 'bigint', (c) => c.notNull())
        .addColumn('way', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('next_follow_up_date', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('follow_ups_patient_idx')
        .on('follow_ups')
        .columns(['patient_id', 'contact_time'])
        .execute();
      await db.schema
        .createIndex('follow_ups_due_idx')
        .on('follow_ups')
        .columns(['staff_id', 'next_follow_up_date'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('follow_ups').ifExists().execute();
      await db.schema.dropTable('visits').ifExists().execute();
    },
  };
}
