import { type Kysely, sql } from 'kysely';
import type { Database, Executor } from '../../../db/schema.js';
import { type PatientScope, scopeCondition } from '../../../domain/patient-scope.js';

/** The text of one version, as written or amended. */
export interface NoteContent {
  chief_complaint: string | null;
  findings: string | null;
  diagnosis_disease_id: number | null;
  diagnosis_disease_name: string | null;
  diagnosis_text: string | null;
  advice: string | null;
  follow_up_date: string | null;
}

const VERSION_COLUMNS = [
  'ver.id',
  'ver.note_id',
  'ver.version',
  'ver.chief_complaint',
  'ver.findings',
  'ver.diagnosis_disease_id',
  'ver.diagnosis_disease_name',
  'ver.diagnosis_text',
  'ver.advice',
  'ver.follow_up_date',
  'ver.reason',
  'ver.written_by',
  'writer.display_name as written_by_name',
  'ver.written_at',
] as const;

/**
 * Visit notes, their versions and attachments (0026). Every read for staff starts from a visit
 * found within the caller's patient scope (findVisit); the portal's reads take the patient's own id.
 */
export class VisitNoteRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The visit, if its patient is live and within the scope: "missing" and "not yours" alike. */
  findVisit(visitId: number, scope: PatientScope, db: Executor = this.db) {
    return db
      .selectFrom('visits')
      .innerJoin('patients', 'patients.id', 'visits.patient_id')
      .select(['visits.id', 'visits.patient_id'])
      .where((eb) => eb.and([eb('visits.id', '=', visitId), scopeCondition(eb, scope)]))
      .executeTakeFirst();
  }

  /** A note of that visit (the visit already checked against the scope). */
  findNote(visitId: number, noteId: number, db: Executor = this.db) {
    return db
      .selectFrom('visit_notes')
      .selectAll()
      .where('id', '=', noteId)
      .where('visit_id', '=', visitId)
      .executeTakeFirst();
  }

  /** The notes of a visit, each with its current version, oldest note first. */
  listCurrent(visitId: number, db: Executor = this.db) {
    return this.currentQuery(db).where('n.visit_id', '=', visitId).orderBy('n.id').execute();
  }

  findCurrent(noteId: number, db: Executor = this.db) {
    return this.currentQuery(db).where('n.id', '=', noteId).executeTakeFirstOrThrow();
  }

  private currentQuery(db: Executor) {
    return db
      .selectFrom('visit_notes as n')
      .innerJoin('visit_note_versions as ver', (join) =>
        join.onRef('ver.note_id', '=', 'n.id').onRef('ver.version', '=', 'n.latest_version'),
      )
      .leftJoin('staff_users as writer', 'writer.id', 'ver.written_by')
      .leftJoin('staff_users as creator', 'creator.id', 'n.created_by')
      .leftJoin('staff_users as releaser', 'releaser.id', 'n.released_by')
      .select([
        'n.id as note_id',
        'n.visit_id',
        'n.patient_id',
        'n.latest_version',
        'n.created_by',
        'creator.display_name as created_by_name',
        'n.created_at',
        'n.released_at',
        'n.released_by',
        'releaser.display_name as released_by_name',
        ...VERSION_COLUMNS,
      ]);
  }

  /** The content of one version, as the base of the next. */
  findCurrentVersion(noteId: number, version: number, db: Executor = this.db): Promise<NoteContent> {
    return db
      .selectFrom('visit_note_versions')
      .select([
        'chief_complaint',
        'findings',
        'diagnosis_disease_id',
        'diagnosis_disease_name',
        'diagnosis_text',
        'advice',
        'follow_up_date',
      ])
      .where('note_id', '=', noteId)
      .where('version', '=', version)
      .executeTakeFirstOrThrow();
  }

  listVersions(noteId: number, db: Executor = this.db) {
    return db
      .selectFrom('visit_note_versions as ver')
      .leftJoin('staff_users as writer', 'writer.id', 'ver.written_by')
      .select([...VERSION_COLUMNS])
      .where('ver.note_id', '=', noteId)
      .orderBy('ver.version', 'desc')
      .execute();
  }

  async insertNote(note: { visitId: number; patientId: number; createdBy: number; now: number }, db: Executor) {
    const row = await db
      .insertInto('visit_notes')
      .values({
        visit_id: note.visitId,
        patient_id: note.patientId,
        latest_version: 1,
        created_by: note.createdBy,
        created_at: note.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * Takes the next version number: one UPDATE, which on PostgreSQL holds the note's row until the
   * transaction ends, so concurrent amendments of one note are numbered one after the other.
   */
  async takeNextVersion(noteId: number, db: Executor): Promise<number> {
    const row = await db
      .updateTable('visit_notes')
      .set({ latest_version: sql<number>`latest_version + 1` })
      .where('id', '=', noteId)
      .returning('latest_version')
      .executeTakeFirstOrThrow();
    return row.latest_version;
  }

  async insertVersion(
    version: {
      noteId: number;
      version: number;
      content: NoteContent;
      reason: string | null;
      writtenBy: number;
      now: number;
    },
    db: Executor,
  ): Promise<void> {
    await db
      .insertInto('visit_note_versions')
      .values({
        note_id: version.noteId,
        version: version.version,
        ...version.content,
        reason: version.reason,
        written_by: version.writtenBy,
        written_at: version.now,
      })
      .execute();
  }

  /** Sets released_at once: a note released before keeps its first release. Answers whether it changed. */
  async release(noteId: number, releasedBy: number, now: number, db: Executor): Promise<boolean> {
    const result = await db
      .updateTable('visit_notes')
      .set({ released_at: now, released_by: releasedBy })
      .where('id', '=', noteId)
      .where('released_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  diseaseName(diseaseId: number, db: Executor = this.db) {
    return db.selectFrom('diseases').select('name').where('id', '=', diseaseId).executeTakeFirst();
  }

  // Attachments

  async insertAttachment(
    attachment: {
      noteId: number;
      fileName: string;
      contentType: string;
      byteSize: number;
      uploadedBy: number;
      now: number;
    },
    db: Executor,
  ) {
    return db
      .insertInto('visit_note_attachments')
      .values({
        note_id: attachment.noteId,
        file_name: attachment.fileName,
        content_type: attachment.contentType,
        byte_size: attachment.byteSize,
        uploaded_by: attachment.uploadedBy,
        uploaded_at: attachment.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The attachments of these notes, oldest first. */
  attachmentsOf(noteIds: readonly number[], db: Executor = this.db) {
    if (noteIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('visit_note_attachments')
      .select(['id', 'note_id', 'content_type', 'byte_size', 'uploaded_by', 'uploaded_at'])
      .where('note_id', 'in', [...noteIds])
      .orderBy('id')
      .execute();
  }

  findAttachment(noteId: number, attachmentId: number, db: Executor = this.db) {
    return db
      .selectFrom('visit_note_attachments')
      .select(['id', 'note_id', 'file_name', 'content_type', 'byte_size'])
      .where('id', '=', attachmentId)
      .where('note_id', '=', noteId)
      .executeTakeFirst();
  }

  /** Forgets up to `limit` files of purged patients' notes and answers their names, for deletion from disk. */
  async releaseOrphanedAttachments(limit: number): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('visit_note_attachments')
      .where('id', 'in', (query) =>
        query.selectFrom('visit_note_attachments').select('id').where('note_id', 'is', null).limit(limit),
      )
      .where('note_id', 'is', null)
      .returning('file_name')
      .execute();
    return rows.map((row) => row.file_name);
  }

  // The portal: only the patient's own released notes, and only while the record is live.

  listReleasedFor(patientId: number, db: Executor = this.db) {
    return this.currentQuery(db)
      .innerJoin('visits as v', 'v.id', 'n.visit_id')
      .innerJoin('patients as p', 'p.id', 'n.patient_id')
      .select(['v.visit_time'])
      .where('n.patient_id', '=', patientId)
      .where('n.released_at', 'is not', null)
      .where('p.deleted_at', 'is', null)
      .orderBy('v.visit_time', 'desc')
      .orderBy('n.id', 'desc')
      .execute();
  }

  findReleasedAttachment(patientId: number, attachmentId: number, db: Executor = this.db) {
    return db
      .selectFrom('visit_note_attachments as a')
      .innerJoin('visit_notes as n', 'n.id', 'a.note_id')
      .innerJoin('patients as p', 'p.id', 'n.patient_id')
      .select(['a.id', 'a.note_id', 'a.file_name', 'a.content_type', 'a.byte_size'])
      .where('a.id', '=', attachmentId)
      .where('n.patient_id', '=', patientId)
      .where('n.released_at', 'is not', null)
      .where('p.deleted_at', 'is', null)
      .executeTakeFirst();
  }
}

export type CurrentNoteRow = Awaited<ReturnType<VisitNoteRepository['listCurrent']>>[number];
export type NoteVersionRow = Awaited<ReturnType<VisitNoteRepository['listVersions']>>[number];
export type NoteAttachmentRow = Awaited<ReturnType<VisitNoteRepository['attachmentsOf']>>[number];
