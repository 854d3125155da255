import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.js';
import { withIdColumn } from './columns.js';

/*
 * Doctor schedules and appointments (挂号).
 * - doctor_weekly_sessions: the repeating week (weekday 1-7 x morning/afternoon, capacity).
 * - doctor_session_exceptions: one dated session cancelled, or added / re-sized ('extra').
 * - session_counters: one row per (doctor, date, period) that has ever been booked. Every
 *   booking and cancellation of that session updates this row first, which serializes them
 *   on PostgreSQL (row lock) as on SQLite (one writer), and the guarded increment
 *   `booked < capacity` makes overbooking impossible.
 * - appointments: one row per booking; a partial unique index forbids two live
 *   appointments of one patient in the same date and period.
 * Dates are YYYY-MM-DD text in the clinic's calendar (CLINIC_TIMEZONE).
 */
export function appointmentsMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await withIdColumn(db.schema.createTable('doctor_weekly_sessions'), dialect)
        .addColumn('doctor_id', 'integer', (c) => c.notNull().references('doctors.id'))
        .addColumn('weekday', 'integer', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('doctor_weekly_sessions_slot_uq')
        .unique()
        .on('doctor_weekly_sessions')
        .columns(['doctor_id', 'weekday', 'period'])
        .execute();

      await withIdColumn(db.schema.createTable('doctor_session_exceptions'), dialect)
        .addColumn('doctor_id', 'integer', (c) => c.notNull().references('doctors.id'))
        .addColumn('session_date', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer')
        .addColumn('reason', 'text')
        .addColumn('created_by', 'integer', (c) => c.references('staff_users.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('doctor_session_exceptions_slot_uq')
        .unique()
        .on('doctor_session_exceptions')
        .columns(['doctor_id', 'session_date', 'period'])
        .execute();
      await db.schema
        .createIndex('doctor_session_exceptions_date_idx')
        .on('doctor_session_exceptions')
        .column('session_date')
        .execute();

      await withIdColumn(db.schema.createTable('session_counters'), dialect)
        .addColumn('doctor_id', 'integer', (c) => c.notNull().references('doctors.id'))
        .addColumn('session_date', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('booked', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('session_counters_slot_uq')
        .unique()
        .on('session_counters')
        .columns(['doctor_id', 'session_date', 'period'])
        .execute();
      await db.schema.createIndex('session_counters_date_idx').on('session_counters').column('session_date').execute();

      await withIdColumn(db.schema.createTable('appointments'), dialect)
        .addColumn('patient_id', 'integer', (c) => c.notNull().references('patients.id'))
        .addColumn('doctor_id', 'integer', (c) => c.notNull().references('doctors.id'))
        .addColumn('session_date', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('start_time', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('booked_by', 'integer', (c) => c.references('staff_users.id'))
        .addColumn('cancelled_at', 'bigint')
        .addColumn('cancelled_by_type', 'text')
        .addColumn('cancelled_by_id', 'integer')
        .addColumn('cancel_reason', 'text')
        .addColumn('visit_id', 'integer', (c) => c.references('visits.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // One live appointment per patient, date and period (any doctor); cancelled ones do not count.
      await db.schema
        .createIndex('appointments_patient_slot_uq')
        .unique()
        .on('appointments')
        .columns(['patient_id', 'session_date', 'period'])
        .where(sql.ref('status'), '<>', 'cancelled')
        .execute();
      await db.schema
        .createIndex('appointments_patient_time_idx')
        .on('appointments')
        .columns(['patient_id', 'start_time'])
        .execute();
      await db.schema
        .createIndex('appointments_doctor_slot_idx')
        .on('appointments')
        .columns(['doctor_id', 'session_date', 'period'])
        .execute();
      await db.schema
        .createIndex('appointments_date_status_idx')
        .on('appointments')
        .columns(['session_date', 'status'])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of ['appointments', 'session_counters', 'doctor_session_exceptions', 'doctor_weekly_sessions']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
