import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.js';
import { DEFAULT_NOTIFICATION_TEMPLATES } from '../notification-template-defaults.js';
import { grantToBuiltinRole, grantToDefaultRoles, revokeFromAllRoles } from '../role-grants.js';
import { withIdColumn } from './columns.js';

/*
 * Consultations (问诊, issue 19, docs/consultations.md): a patient's written questions to one doctor.
 *
 * consultations: one thread between a patient and a doctor. At most one open thread per pair,
 * by a partial unique index, so two racing "open" requests make one thread and a 409. The
 * unread counters are kept in the row by the same transaction that stores a message (each side's
 * count of the other's messages since it last read), so a list shows them without counting
 * messages. notice_due_at: when the patient, if they have still not read the doctor's answer, is
 * told through the outbox (CONSULTATION_NOTICE_AFTER_SECONDS); cleared by reading and by the notice.
 *
 * consultation_messages: append-only, read by (consultation_id, id). sender patient / doctor /
 * system (the close). An image is stored like a visit-note attachment: a random name under
 * DATA_DIR/private/consultations, served only through the two parties' routes; its name is kept
 * in consultation_image_files too, which outlives a purge so that the file can be deleted.
 *
 * Permissions: consultations (module) and consultations:reply, for the administrator and the
 * built-in 医生 role; answering also needs the account's doctor link (0025).
 * Templates: consultation_reply, for installs whose 0016 ran before the event existed.
 */
const KEYS = ['consultations', 'consultations:reply'];

export function consultationsMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await withIdColumn(db.schema.createTable('consultations'), dialect)
        .addColumn('patient_id', 'integer', (c) => c.notNull().references('patients.id').onDelete('cascade'))
        .addColumn('doctor_id', 'integer', (c) => c.notNull().references('doctors.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('patient_unread', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('doctor_unread', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_message', 'text')
        .addColumn('last_message_kind', 'text')
        .addColumn('last_message_at', 'bigint', (c) => c.notNull())
        .addColumn('notice_due_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .addColumn('closed_by', 'integer', (c) => c.references('staff_users.id'))
        .execute();
      await db.schema
        .createIndex('consultations_open_pair_uq')
        .unique()
        .on('consultations')
        .columns(['patient_id', 'doctor_id'])
        .where(sql.ref('status'), '=', sql.lit('open'))
        .execute();
      await db.schema
        .createIndex('consultations_patient_idx')
        .on('consultations')
        .columns(['patient_id', 'last_message_at'])
        .execute();
      await db.schema
        .createIndex('consultations_doctor_idx')
        .on('consultations')
        .columns(['doctor_id', 'status', 'last_message_at'])
        .execute();
      await db.schema
        .createIndex('consultations_notice_idx')
        .on('consultations')
        .column('notice_due_at')
        .where(sql.ref('notice_due_at'), 'is not', sql.lit(null))
        .execute();

      await withIdColumn(db.schema.createTable('consultation_messages'), dialect)
        .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id').onDelete('cascade'))
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('author_staff_id', 'integer', (c) => c.references('staff_users.id'))
        .addColumn('body', 'text')
        .addColumn('image_file', 'text', (c) => c.unique())
        .addColumn('image_type', 'text')
        .addColumn('image_bytes', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('consultation_messages_thread_idx')
        .on('consultation_messages')
        .columns(['consultation_id', 'id'])
        .execute();

      // The files, apart: a purged patient's consultations and messages go (cascade); these rows stay
      // with consultation_id null until the hourly housekeeping has deleted their files.
      await db.schema
        .createTable('consultation_image_files')
        .addColumn('file_name', 'text', (c) => c.primaryKey())
        .addColumn('consultation_id', 'integer', (c) => c.references('consultations.id').onDelete('set null'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('consultation_image_files_orphan_idx')
        .on('consultation_image_files')
        .column('consultation_id')
        .execute();

      const now = Math.floor(Date.now() / 1000);
      const templates = DEFAULT_NOTIFICATION_TEMPLATES.filter((template) => template.event === 'consultation_reply');
      await db
        .insertInto('notification_templates')
        .values(templates.map((template) => ({ ...template, updated_at: now, updated_by: null })))
        .onConflict((conflict) => conflict.doNothing())
        .execute();

      for (const key of KEYS) await grantToDefaultRoles(db, key, []);
      await grantToBuiltinRole(db, 'doctor', KEYS);
    },
    async down(db: Kysely<any>) {
      for (const key of KEYS) await revokeFromAllRoles(db, key);
      await db.deleteFrom('notification_templates').where('event', '=', 'consultation_reply').execute();
      for (const table of ['consultation_image_files', 'consultation_messages', 'consultations'])
        await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
