import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.js';
import { grantToBuiltinRole, grantToDefaultRoles, revokeFromAllRoles } from '../role-grants.js';
import { withIdColumn } from './columns.js';

/*
 * Visit notes (病历, issue 19): per visit, a note whose text is never overwritten.
 *
 * visit_notes: one row per note, with who opened it, whether it is released to the patient and
 * latest_version, the number of its newest version. An amendment bumps latest_version in an
 * UPDATE first, which locks the row (PostgreSQL) so two amendments of one note take turns and
 * each gets its own number; the unique (note_id, version) index is the last word.
 * patient_id repeats the visit's patient so that the portal's "my released notes" reads one table.
 *
 * visit_note_versions: append-only, one row per write (version 1) and per amendment (2, 3 ...,
 * each with its reason), signed with the writer's account and time. The current text is the
 * version whose number is latest_version. The diagnosis is a disease of the catalog (its id and
 * its name as it read when signed, so a renamed or deleted catalog entry changes no signed note)
 * and/or free text.
 *
 * visit_note_attachments: files stored like avatars (random names, DATA_DIR/private/visit-notes, a
 * folder no static route serves; they are sent only through the scoped routes). A purge of the patient deletes the visits, the notes and
 * their versions (cascade) and leaves the attachment rows with note_id null: the files are then
 * no longer served and the hourly housekeeping deletes them from disk, as it does avatars.
 *
 * New permissions: visits (module), visits:notes_view, visits:notes_write, for the administrator and
 * the built-in 医生 role of 0025: the doctor writes the notes of the patients booked with them.
 */
const KEYS = ['visits', 'visits:notes_view', 'visits:notes_write'];

export function visitNotesMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await withIdColumn(db.schema.createTable('visit_notes'), dialect)
        .addColumn('visit_id', 'integer', (c) => c.notNull().references('visits.id').onDelete('cascade'))
        .addColumn('patient_id', 'integer', (c) => c.notNull().references('patients.id').onDelete('cascade'))
        .addColumn('latest_version', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'integer', (c) => c.notNull().references('staff_users.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('released_at', 'bigint')
        .addColumn('released_by', 'integer', (c) => c.references('staff_users.id'))
        .execute();
      await db.schema.createIndex('visit_notes_visit_idx').on('visit_notes').column('visit_id').execute();
      await db.schema
        .createIndex('visit_notes_patient_idx')
        .on('visit_notes')
        .columns(['patient_id', 'released_at'])
        .execute();

      await withIdColumn(db.schema.createTable('visit_note_versions'), dialect)
        .addColumn('note_id', 'integer', (c) => c.notNull().references('visit_notes.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('chief_complaint', 'text')
        .addColumn('findings', 'text')
        .addColumn('diagnosis_disease_id', 'integer')
        .addColumn('diagnosis_disease_name', 'text')
        .addColumn('diagnosis_text', 'text')
        .addColumn('advice', 'text')
        .addColumn('follow_up_date', 'text')
        .addColumn('reason', 'text')
        .addColumn('written_by', 'integer', (c) => c.notNull().references('staff_users.id'))
        .addColumn('written_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('visit_note_versions_note_idx')
        .unique()
        .on('visit_note_versions')
        .columns(['note_id', 'version'])
        .execute();

      await withIdColumn(db.schema.createTable('visit_note_attachments'), dialect)
        .addColumn('note_id', 'integer', (c) => c.references('visit_notes.id').onDelete('set null'))
        .addColumn('file_name', 'text', (c) => c.notNull().unique())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('byte_size', 'integer', (c) => c.notNull())
        .addColumn('uploaded_by', 'integer', (c) => c.notNull().references('staff_users.id'))
        .addColumn('uploaded_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('visit_note_attachments_note_idx')
        .on('visit_note_attachments')
        .column('note_id')
        .execute();

      for (const key of KEYS) await grantToDefaultRoles(db, key, []);
      await grantToBuiltinRole(db, 'doctor', KEYS);
    },
    async down(db: Kysely<any>) {
      for (const key of KEYS) await revokeFromAllRoles(db, key);
      for (const table of ['visit_note_attachments', 'visit_note_versions', 'visit_notes'])
        await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
