import type { Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { AuditActor } from '../../../domain/audit.js';
import { scopeOf } from '../../../domain/patient-scope.js';
import type { StaffPrincipal } from '../../../domain/principals.js';
import { detectFileType, PRIVATE_FILE_CONTENT_TYPES } from '../../../domain/private-files.js';
import { AppError, invalidField } from '../../../http/errors.js';
import type { CoreServices } from '../../../services.js';
import type { ReferenceRepository } from '../../catalogs/index.js';
import type { NoteAttachmentStorage } from './attachment-storage.js';
import type { NoteContent, VisitNoteRepository } from './repository.js';

/** What a write or an amendment gives: undefined = keep (amendment) or not set (write); null = clear. */
export interface NoteInput {
  chief_complaint?: string | null;
  findings?: string | null;
  diagnosis_disease_id?: number | null;
  diagnosis_text?: string | null;
  advice?: string | null;
  follow_up_date?: string | null;
}

const TEXT_FIELDS = ['chief_complaint', 'findings', 'diagnosis_text', 'advice'] as const;

/** A blank text is no text: stored as null, so "empty" has one spelling. */
const textOrNull = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value.trim() === '' ? null : value;

const notFound = () => new AppError('not_found');

/** Orphaned attachment files one sweep deletes: it rides on the hourly housekeeping and stays short. */
const SWEEP_BATCH = 50;

/**
 * Visit notes (病历). Every staff operation starts from the visit found within the caller's patient
 * scope (scopeOf), so whoever may see a patient may see (with visits:notes_view) that patient's notes,
 * and a visit outside the scope answers 404 exactly like one that does not exist. Writes, their
 * version and their audit event share one transaction; a note's text is never updated, only
 * followed by a new version.
 */
export class VisitNoteService {
  constructor(
    private readonly core: CoreServices,
    private readonly notes: VisitNoteRepository,
    private readonly references: ReferenceRepository,
    private readonly storage: NoteAttachmentStorage,
  ) {}

  private async visibleVisit(staff: StaffPrincipal, visitId: number, db?: Transaction<Database>) {
    const visit = await this.notes.findVisit(visitId, scopeOf(staff), db);
    if (!visit) throw notFound();
    return visit;
  }

  private async visibleNote(staff: StaffPrincipal, visitId: number, noteId: number, db?: Transaction<Database>) {
    const visit = await this.visibleVisit(staff, visitId, db);
    const note = await this.notes.findNote(visitId, noteId, db);
    if (!note) throw notFound();
    return { visit, note };
  }

  async list(staff: StaffPrincipal, visitId: number, actor: AuditActor) {
    const visit = await this.visibleVisit(staff, visitId);
    const rows = await this.notes.listCurrent(visitId);
    const attachments = await this.notes.attachmentsOf(rows.map((row) => row.note_id));
    await this.core.audit.record(actor, {
      action: 'visit_note.read',
      targetType: 'patient',
      targetId: visit.patient_id,
      details: { visitId, noteIds: rows.map((row) => row.note_id) },
    });
    return { rows, attachments };
  }

  async versions(staff: StaffPrincipal, visitId: number, noteId: number, actor: AuditActor) {
    const { visit } = await this.visibleNote(staff, visitId, noteId);
    const rows = await this.notes.listVersions(noteId);
    await this.core.audit.record(actor, {
      action: 'visit_note.read',
      targetType: 'patient',
      targetId: visit.patient_id,
      details: { visitId, noteIds: [noteId], versions: true },
    });
    return rows;
  }

  async create(staff: StaffPrincipal, visitId: number, input: NoteInput, actor: AuditActor, now: number) {
    return this.core.db.transaction().execute(async (trx) => {
      const visit = await this.visibleVisit(staff, visitId, trx);
      const content = await this.contentOf(input, null, trx);
      const noteId = await this.notes.insertNote(
        { visitId, patientId: visit.patient_id, createdBy: staff.id, now },
        trx,
      );
      await this.notes.insertVersion({ noteId, version: 1, content, reason: null, writtenBy: staff.id, now }, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'visit_note.create',
          targetType: 'patient',
          targetId: visit.patient_id,
          details: { visitId, noteId, version: 1 },
        },
        trx,
      );
      return this.withAttachments(await this.notes.findCurrent(noteId, trx), trx);
    });
  }

  async amend(
    staff: StaffPrincipal,
    visitId: number,
    noteId: number,
    amendment: { input: NoteInput; reason: string; expectedVersion: number | undefined },
    actor: AuditActor,
    now: number,
  ) {
    const reason = textOrNull(amendment.reason);
    if (reason === null) throw new AppError('parameter_missing', '缺少参数: reason（修改病历须说明原因）');
    return this.core.db.transaction().execute(async (trx) => {
      const { visit } = await this.visibleNote(staff, visitId, noteId, trx);
      // The number first: on PostgreSQL this locks the note, so the version read next is the newest.
      const version = await this.notes.takeNextVersion(noteId, trx);
      if (amendment.expectedVersion !== undefined && amendment.expectedVersion !== version - 1)
        throw new AppError('conflict', `病历已被他人修改（当前为第 ${version - 1} 版），请刷新后再改`);
      const previous = await this.notes.findCurrentVersion(noteId, version - 1, trx);
      const content = await this.contentOf(amendment.input, previous, trx);
      await this.notes.insertVersion({ noteId, version, content, reason, writtenBy: staff.id, now }, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'visit_note.amend',
          targetType: 'patient',
          targetId: visit.patient_id,
          details: { visitId, noteId, version, reason },
        },
        trx,
      );
      return this.withAttachments(await this.notes.findCurrent(noteId, trx), trx);
    });
  }

  /** Releases the note to the patient's portal; releasing a released note changes nothing. */
  async release(staff: StaffPrincipal, visitId: number, noteId: number, actor: AuditActor, now: number) {
    return this.core.db.transaction().execute(async (trx) => {
      const { visit } = await this.visibleNote(staff, visitId, noteId, trx);
      if (await this.notes.release(noteId, staff.id, now, trx))
        await this.core.audit.record(
          actor,
          {
            action: 'visit_note.release',
            targetType: 'patient',
            targetId: visit.patient_id,
            details: { visitId, noteId },
          },
          trx,
        );
      return this.withAttachments(await this.notes.findCurrent(noteId, trx), trx);
    });
  }

  /**
   * The note is checked before the file touches the disk (no file for a caller who may not
   * write here), and again in the transaction that records it; a failed record removes the file.
   */
  async attach(staff: StaffPrincipal, visitId: number, noteId: number, bytes: Buffer, actor: AuditActor, now: number) {
    await this.visibleNote(staff, visitId, noteId);
    const extension = detectFileType(bytes);
    if (!extension) throw invalidField('file', '仅支持 JPEG、PNG、WebP 图片或 PDF 文件');
    const fileName = await this.storage.save(bytes, extension);
    try {
      return await this.core.db.transaction().execute(async (trx) => {
        const { visit } = await this.visibleNote(staff, visitId, noteId, trx);
        const attachment = await this.notes.insertAttachment(
          {
            noteId,
            fileName,
            contentType: PRIVATE_FILE_CONTENT_TYPES[extension],
            byteSize: bytes.length,
            uploadedBy: staff.id,
            now,
          },
          trx,
        );
        await this.core.audit.record(
          actor,
          {
            action: 'visit_note.attachment_upload',
            targetType: 'patient',
            targetId: visit.patient_id,
            details: { visitId, noteId, attachmentId: attachment.id, type: extension, bytes: bytes.length },
          },
          trx,
        );
        return attachment;
      });
    } catch (error) {
      await this.storage.removeAll([fileName]);
      throw error;
    }
  }

  async readAttachment(
    staff: StaffPrincipal,
    visitId: number,
    noteId: number,
    attachmentId: number,
    actor: AuditActor,
  ) {
    const { visit } = await this.visibleNote(staff, visitId, noteId);
    const attachment = await this.notes.findAttachment(noteId, attachmentId);
    const bytes = attachment ? await this.storage.read(attachment.file_name) : undefined;
    if (!attachment || !bytes) throw notFound();
    await this.core.audit.record(actor, {
      action: 'visit_note.attachment_read',
      targetType: 'patient',
      targetId: visit.patient_id,
      details: { visitId, noteId, attachmentId },
    });
    return { bytes, contentType: attachment.content_type, id: attachment.id };
  }

  // The portal: the patient's own released notes, the current version only.

  async listReleased(patientId: number, actor: AuditActor) {
    const rows = await this.notes.listReleasedFor(patientId);
    const attachments = await this.notes.attachmentsOf(rows.map((row) => row.note_id));
    await this.core.audit.record(actor, {
      action: 'portal.visit_notes_read',
      targetType: 'patient',
      targetId: patientId,
      details: { noteIds: rows.map((row) => row.note_id) },
    });
    return { rows, attachments };
  }

  async readReleasedAttachment(patientId: number, attachmentId: number, actor: AuditActor) {
    const attachment = await this.notes.findReleasedAttachment(patientId, attachmentId);
    const bytes = attachment ? await this.storage.read(attachment.file_name) : undefined;
    if (!attachment || !bytes) throw notFound();
    await this.core.audit.record(actor, {
      action: 'portal.visit_note_attachment_read',
      targetType: 'patient',
      targetId: patientId,
      details: { noteId: attachment.note_id, attachmentId },
    });
    return { bytes, contentType: attachment.content_type, id: attachment.id };
  }

  /** Deletes from disk the files of purged patients' notes (the purge only orphans them); answers how many. */
  async sweepOrphanedAttachments(): Promise<number> {
    const fileNames = await this.notes.releaseOrphanedAttachments(SWEEP_BATCH);
    await this.storage.removeAll(fileNames);
    return fileNames.length;
  }

  private async withAttachments(
    row: Awaited<ReturnType<VisitNoteRepository['findCurrent']>>,
    trx: Transaction<Database>,
  ) {
    return { row, attachments: await this.notes.attachmentsOf([row.note_id], trx) };
  }

  /**
   * The content of the new version: the given fields over the previous version's (none for a first
   * write). A catalog disease must be active when chosen; one kept from the previous version stays
   * with its signed name even if the catalog changed since. Nothing at all to say is refused.
   */
  private async contentOf(input: NoteInput, previous: NoteContent | null, trx: Transaction<Database>) {
    const content: NoteContent = previous
      ? { ...previous }
      : {
          chief_complaint: null,
          findings: null,
          diagnosis_disease_id: null,
          diagnosis_disease_name: null,
          diagnosis_text: null,
          advice: null,
          follow_up_date: null,
        };
    for (const field of TEXT_FIELDS) if (input[field] !== undefined) content[field] = textOrNull(input[field]);
    if (input.follow_up_date !== undefined) content.follow_up_date = textOrNull(input.follow_up_date);
    const diseaseId = input.diagnosis_disease_id;
    if (diseaseId !== undefined && diseaseId !== content.diagnosis_disease_id) {
      if (diseaseId === null) {
        content.diagnosis_disease_id = null;
        content.diagnosis_disease_name = null;
      } else {
        const disease = (await this.references.isActive('diseases', diseaseId, trx))
          ? await this.notes.diseaseName(diseaseId, trx)
          : undefined;
        if (!disease) throw invalidField('diagnosis_disease_id', '病种不存在或已停用');
        content.diagnosis_disease_id = diseaseId;
        content.diagnosis_disease_name = disease.name;
      }
    }
    const { diagnosis_disease_name: _name, ...fields } = content;
    if (Object.values(fields).every((value) => value === null))
      throw new AppError('parameter_missing', '病历内容不能为空：主诉、检查所见、诊断、医嘱、复诊日期至少填写一项');
    return content;
  }
}
