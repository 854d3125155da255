import type { Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { AuditActor } from '../../domain/audit.js';
import type { PatientNotices } from '../../domain/patient-notices.js';
import { detectFileType, PRIVATE_FILE_CONTENT_TYPES, type PrivateFileStore } from '../../domain/private-files.js';
import { AppError, invalidField } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import type { ConsultationLive } from './live/live.js';
import type {
  ConsultationPolicy,
  ConsultationRepository,
  ConsultationStatusFilter,
  NewMessage,
  Side,
} from './repository.js';

export const CONSULTATION_IMAGE_MAX_BYTES = 5 * 1024 * 1024;
const PREVIEW_LENGTH = 60;
const PAGE_DEFAULT = 50;
/** Control characters other than tab and line breaks: they have no place in a chat message. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Who is acting: the patient (by their record) or the doctor (by the staff account's doctor link). */
export type Party = { side: 'patient'; patientId: number } | { side: 'doctor'; doctorId: number; staffId: number };

const partyIdOf = (party: Party) => (party.side === 'patient' ? party.patientId : party.doctorId);
type Parties = { patient_id: number; doctor_id: number };
const partiesOf = (row: Parties): Parties => ({ patient_id: row.patient_id, doctor_id: row.doctor_id });
const notFound = () => new AppError('not_found', '问诊不存在');

export interface ConsultationSettings {
  policy: ConsultationPolicy;
  /** 0 = never tell. */
  noticeAfterSeconds: number;
}

function checkedText(text: string): string {
  if (text.trim() === '') throw invalidField('text', '消息不能为空');
  if (CONTROL_CHARACTERS.test(text)) throw invalidField('text', '含有不允许的控制字符');
  return text;
}

/** The first 60 characters on one line; by code points, so an emoji is never cut in half. */
const previewOf = (text: string) => {
  const characters = [...text.replace(/\s+/g, ' ').trim()];
  return characters.length > PREVIEW_LENGTH ? `${characters.slice(0, PREVIEW_LENGTH).join('')}…` : characters.join('');
};

/**
 * 问诊: a patient's written questions to one doctor, and the doctor's answers. Every operation
 * finds the consultation through the caller's own party (the patient's record from their token,
 * the doctor from the staff account's link), so another party's consultation answers 404 like a
 * missing one. A message, its counters and its live signal share one transaction; the live feed
 * delivers it after the commit, read back from the database.
 */
export class ConsultationService {
  constructor(
    private readonly core: CoreServices,
    private readonly repository: ConsultationRepository,
    private readonly images: PrivateFileStore,
    private readonly live: ConsultationLive,
    private readonly notices: PatientNotices,
    readonly settings: ConsultationSettings,
  ) {}

  consultableDoctors(patientId: number) {
    return this.repository.consultableDoctors(patientId, this.settings.policy);
  }

  async open(patientId: number, doctorId: number, text: string, actor: AuditActor, now: number) {
    const body = checkedText(text);
    const [answering] = await this.repository.consultableDoctors(patientId, 'any', doctorId);
    if (!answering) throw new AppError('not_found', '医生不存在或未开通在线问诊');
    if (this.settings.policy === 'booked') {
      const [booked] = await this.repository.consultableDoctors(patientId, 'booked', doctorId);
      if (!booked) throw new AppError('permission_denied', '仅可向您预约或就诊过的医生发起问诊');
    }
    const existing = () =>
      this.repository.findOpen(patientId, doctorId).then((row) => {
        const extra = row ? { consultation_id: row.id } : undefined;
        return new AppError('conflict', '您与该医生已有进行中的问诊，请在原问诊中继续', { extra });
      });
    if (answering.open_consultation_id !== null) throw await existing();
    try {
      return await this.write(async (trx) => {
        const consultationId = await this.repository.insertConsultation(trx, patientId, doctorId, now);
        const parties = { id: consultationId, patient_id: patientId, doctor_id: doctorId };
        const messageId = await this.insert(trx, { side: 'patient', patientId }, parties, {
          kind: 'text',
          body,
          now,
        });
        await this.core.audit.record(
          actor,
          {
            action: 'consultation.open',
            targetType: 'patient',
            targetId: patientId,
            details: { consultationId, doctorId },
          },
          trx,
        );
        return { consultationId, messageId };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw await existing();
      throw error;
    }
  }

  list(party: Party, status: ConsultationStatusFilter) {
    return Promise.all([
      this.repository.listOf(party.side, partyIdOf(party), status),
      this.repository.unreadTotal(party.side, partyIdOf(party)),
    ]).then(([rows, unread]) => ({ rows, unread }));
  }

  /** 404 unless the consultation is the caller's: routes ask before reading an upload. */
  async ensureOwn(party: Party, id: number): Promise<void> {
    await this.own(party, id);
  }

  private async own(party: Party, id: number, trx?: Transaction<Database>) {
    const row = await this.repository.findOf(party.side, partyIdOf(party), id, trx);
    if (!row) throw notFound();
    return row;
  }

  /** A page of the thread. The doctor's opening read (not a poll) is audited: it is a patient's words. */
  async thread(party: Party, id: number, page: { after?: number; before?: number; limit?: number }, actor: AuditActor) {
    if (page.after !== undefined && page.before !== undefined) throw invalidField('before', '不能与 after 同时使用');
    const consultation = await this.own(party, id);
    const messages = await this.repository.messages(id, { ...page, limit: page.limit ?? PAGE_DEFAULT });
    if (party.side === 'doctor' && page.after === undefined)
      await this.core.audit.record(actor, {
        action: 'consultation.read',
        targetType: 'patient',
        targetId: consultation.patient_id,
        details: { consultationId: id },
      });
    return { consultation, ...messages };
  }

  async sendText(party: Party, id: number, text: string, now: number) {
    const body = checkedText(text);
    const consultation = await this.own(party, id);
    return this.write(async (trx) => ({
      consultationId: id,
      messageId: await this.insert(trx, party, consultation, { kind: 'text', body, now }),
    }));
  }

  /** JPEG, PNG or WebP by their first bytes, at most 5 MB; stored before the row, removed if the row is refused. */
  async sendImage(party: Party, id: number, bytes: Buffer, now: number) {
    const consultation = await this.own(party, id);
    const type = detectFileType(bytes);
    if (type === null || type === 'pdf') throw invalidField('file', '只能发送 JPEG、PNG 或 WebP 图片');
    const file = await this.images.save(bytes, type);
    try {
      return await this.write(async (trx) => ({
        consultationId: id,
        messageId: await this.insert(trx, party, consultation, {
          kind: 'image',
          body: null,
          image: { file, type: PRIVATE_FILE_CONTENT_TYPES[type], bytes: bytes.length },
          now,
        }),
      }));
    } catch (error) {
      await this.images.removeAll([file]);
      throw error;
    }
  }

  async read(party: Party, id: number) {
    await this.own(party, id);
    await this.repository.markRead(id, party.side);
    return this.own(party, id);
  }

  /** The doctor ends the consultation: a system message says so, and nobody writes to it again. */
  async close(party: Extract<Party, { side: 'doctor' }>, id: number, actor: AuditActor, now: number) {
    const consultation = await this.own(party, id);
    if (consultation.status === 'closed') throw new AppError('conflict', '问诊已结束');
    return this.write(async (trx) => {
      if (!(await this.repository.close(trx, id, party.staffId, now))) throw new AppError('conflict', '问诊已结束');
      const messageId = await this.repository.insertMessage(trx, {
        consultationId: id,
        sender: 'system',
        kind: 'closed',
        authorStaffId: party.staffId,
        body: '医生已结束本次问诊',
        now,
      });
      await this.core.audit.record(
        actor,
        {
          action: 'consultation.close',
          targetType: 'patient',
          targetId: consultation.patient_id,
          details: { consultationId: id },
        },
        trx,
      );
      await this.live.signal.announce(trx, { id: messageId, ...partiesOf(consultation) });
      return { consultationId: id, messageId };
    });
  }

  /** An image of one of the caller's consultations; another's, a missing one or a non-image: 404 alike. */
  async image(party: Party, messageId: number, actor: AuditActor) {
    const row = await this.repository.imageMessage(messageId);
    const own =
      row && (party.side === 'patient' ? row.patient_id === party.patientId : row.doctor_id === party.doctorId);
    const bytes = own && row.image_file ? await this.images.read(row.image_file) : undefined;
    if (!row || !bytes || !row.image_type) throw new AppError('not_found', '图片不存在');
    if (party.side === 'doctor')
      await this.core.audit.record(actor, {
        action: 'consultation.image_read',
        targetType: 'patient',
        targetId: row.patient_id,
        details: { consultationId: row.consultation_id, messageId },
      });
    return { id: row.id, bytes, contentType: row.image_type };
  }

  /**
   * Patients who left a doctor's answer unread for CONSULTATION_NOTICE_AFTER_SECONDS get one message
   * through the outbox (their channels and settings, like bookings). Each due consultation is
   * claimed by an UPDATE in the notice's own transaction, so one instance sends it, once.
   */
  async sendDueNotices(now: number): Promise<number> {
    let sent = 0;
    for (const due of await this.repository.dueNotices(now, 100)) {
      if (due.notice_due_at === null) continue;
      const dueAt = due.notice_due_at;
      const claimed = await this.repository.transaction(async (trx) => {
        if (!(await this.repository.claimNotice(trx, due.id, dueAt))) return false;
        await this.notices.enqueue(trx, [
          { event: 'consultation_reply', patientId: due.patient_id, doctorId: due.doctor_id, consultationId: due.id },
        ]);
        return true;
      });
      if (claimed) sent += 1;
    }
    return sent;
  }

  /** Deletes purged patients' image files from disk, then their rows: part of the hourly housekeeping. */
  async sweepOrphanedImages(): Promise<number> {
    const files = await this.repository.orphanedImageFiles(50);
    await this.images.removeAll(files);
    await this.repository.forgetImageFiles(files);
    return files.length;
  }

  /** Writes in one transaction, then reads back what the answer shows and tells the live feed. */
  private async write(work: (trx: Transaction<Database>) => Promise<{ consultationId: number; messageId: number }>) {
    const { consultationId, messageId } = await this.repository.transaction(work);
    this.live.signal.written();
    const [consultation, message] = await Promise.all([
      this.repository.findById(consultationId),
      this.repository.message(messageId),
    ]);
    if (!consultation) throw notFound();
    return { consultation, message };
  }

  /** A patient's or doctor's message in an open consultation, with its counters and its live signal. */
  private async insert(
    trx: Transaction<Database>,
    party: Party,
    consultation: Parties & { id: number },
    content: Pick<NewMessage, 'kind' | 'body' | 'image' | 'now'>,
  ): Promise<number> {
    const consultationId = consultation.id;
    const messageId = await this.repository.insertMessage(trx, {
      consultationId,
      sender: party.side,
      authorStaffId: party.side === 'doctor' ? party.staffId : null,
      ...content,
    });
    const last =
      content.kind === 'image'
        ? { preview: null, kind: 'image' as const }
        : { preview: previewOf(content.body ?? ''), kind: 'text' as const };
    const noticeDueAt =
      party.side === 'doctor' && this.settings.noticeAfterSeconds > 0
        ? content.now + this.settings.noticeAfterSeconds
        : null;
    if (!(await this.repository.recordMessage(trx, consultationId, party.side as Side, last, content.now, noticeDueAt)))
      throw new AppError('conflict', '问诊已结束，不能再发送消息');
    await this.live.signal.announce(trx, { id: messageId, ...partiesOf(consultation) });
    return messageId;
  }
}
