import { type Kysely, sql, type Transaction } from 'kysely';
import type { ConsultationMessagesTable, Database } from '../../db/schema.js';
import { doctorsBookedBy } from '../../domain/patient-scope.js';

type Db = Kysely<Database> | Transaction<Database>;
export type Side = 'patient' | 'doctor';
export type ConsultationPolicy = 'booked' | 'any';
export type ConsultationStatusFilter = 'open' | 'closed' | 'all';

export interface NewMessage {
  consultationId: number;
  sender: ConsultationMessagesTable['sender'];
  kind: ConsultationMessagesTable['kind'];
  authorStaffId: number | null;
  body: string | null;
  image?: { file: string; type: string; bytes: number };
  now: number;
}

const LIST_LIMIT = 200;

/** Consultations and their messages; the policy's "booked with" is the doctor scope's own condition. */
export class ConsultationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** The columns both parties' views need: the consultation with its doctor and patient. */
  private consultations(db: Db = this.db) {
    return db
      .selectFrom('consultations as c')
      .innerJoin('doctors as d', 'd.id', 'c.doctor_id')
      .leftJoin('departments as dep', 'dep.id', 'd.department_id')
      .innerJoin('patients as p', 'p.id', 'c.patient_id')
      .select([
        'c.id',
        'c.patient_id',
        'c.doctor_id',
        'c.status',
        'c.patient_unread',
        'c.doctor_unread',
        'c.last_message',
        'c.last_message_kind',
        'c.last_message_at',
        'c.created_at',
        'c.closed_at',
        'd.name as doctor_name',
        'd.title as doctor_title',
        'dep.name as department_name',
        'p.name as patient_name',
        'p.sex as patient_sex',
        'p.age as patient_age',
        'p.birth_date as patient_birth_date',
      ]);
  }

  /**
   * Doctors a patient may ask: active, answering through a linked staff account that is active,
   * and under 'booked' only those the patient has a live appointment or a visit with (the doctor's
   * own patient scope). With the patient's open consultation with each, if any.
   */
  consultableDoctors(patientId: number, policy: ConsultationPolicy, doctorId?: number) {
    let query = this.db
      .selectFrom('doctors as d')
      .innerJoin('staff_users as su', 'su.doctor_id', 'd.id')
      .leftJoin('departments as dep', 'dep.id', 'd.department_id')
      .leftJoin('consultations as c', (join) =>
        join.onRef('c.doctor_id', '=', 'd.id').on('c.patient_id', '=', patientId).on('c.status', '=', 'open'),
      )
      .select(['d.id', 'd.name', 'd.title', 'dep.name as department_name', 'c.id as open_consultation_id'])
      .where('d.is_active', '=', 1)
      .where('su.is_active', '=', 1);
    if (doctorId !== undefined) query = query.where('d.id', '=', doctorId);
    if (policy === 'booked') query = query.where(sql<boolean>`d.id in ${doctorsBookedBy(patientId)}`);
    return query.orderBy('d.sort_order').orderBy('d.id').execute();
  }

  async insertConsultation(trx: Transaction<Database>, patientId: number, doctorId: number, now: number) {
    const row = await trx
      .insertInto('consultations')
      .values({
        patient_id: patientId,
        doctor_id: doctorId,
        status: 'open',
        patient_unread: 0,
        doctor_unread: 0,
        last_message: null,
        last_message_kind: null,
        last_message_at: now,
        notice_due_at: null,
        created_at: now,
        closed_at: null,
        closed_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** By id alone: for what a party just wrote, and for the live feed, which knows the parties already. */
  findById(id: number, db: Db = this.db) {
    return this.consultations(db).where('c.id', '=', id).executeTakeFirst();
  }

  findOpen(patientId: number, doctorId: number) {
    return this.db
      .selectFrom('consultations')
      .select('id')
      .where('patient_id', '=', patientId)
      .where('doctor_id', '=', doctorId)
      .where('status', '=', 'open')
      .executeTakeFirst();
  }

  /** One consultation of one party: another party's answers undefined, like a missing one. */
  findOf(side: Side, partyId: number, id: number, db: Db = this.db) {
    return this.consultations(db)
      .where('c.id', '=', id)
      .where(side === 'patient' ? 'c.patient_id' : 'c.doctor_id', '=', partyId)
      .executeTakeFirst();
  }

  /** Newest activity first; at most 200 (a doctor's open list is short, the rest are history). */
  listOf(side: Side, partyId: number, status: ConsultationStatusFilter) {
    let query = this.consultations().where(side === 'patient' ? 'c.patient_id' : 'c.doctor_id', '=', partyId);
    if (status !== 'all') query = query.where('c.status', '=', status);
    return query.orderBy('c.last_message_at', 'desc').orderBy('c.id', 'desc').limit(LIST_LIMIT).execute();
  }

  /** Unread messages over all of a party's consultations. */
  async unreadTotal(side: Side, partyId: number): Promise<number> {
    const column = side === 'patient' ? 'patient_unread' : 'doctor_unread';
    const row = await this.db
      .selectFrom('consultations')
      .select(sql<number>`coalesce(sum(${sql.ref(column)}), 0)`.as('unread'))
      .where(side === 'patient' ? 'patient_id' : 'doctor_id', '=', partyId)
      .executeTakeFirstOrThrow();
    return Number(row.unread);
  }

  async insertMessage(trx: Transaction<Database>, message: NewMessage): Promise<number> {
    if (message.image)
      await trx
        .insertInto('consultation_image_files')
        .values({ file_name: message.image.file, consultation_id: message.consultationId, created_at: message.now })
        .execute();
    const row = await trx
      .insertInto('consultation_messages')
      .values({
        consultation_id: message.consultationId,
        sender: message.sender,
        kind: message.kind,
        author_staff_id: message.authorStaffId,
        body: message.body,
        image_file: message.image?.file ?? null,
        image_type: message.image?.type ?? null,
        image_bytes: message.image?.bytes ?? null,
        created_at: message.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * After a message: the preview and the other side's unread count, in the message's transaction.
   * Only an open consultation takes one (0 rows: it was closed meanwhile, and the caller rolls back).
   * A doctor's message starts the patient's notice clock unless one is already running.
   */
  async recordMessage(
    trx: Transaction<Database>,
    id: number,
    from: Side,
    last: { preview: string | null; kind: 'text' | 'image' },
    now: number,
    noticeDueAt: number | null,
  ): Promise<boolean> {
    const newest = { last_message: last.preview, last_message_kind: last.kind, last_message_at: now };
    const result = await trx
      .updateTable('consultations')
      .set((eb) =>
        from === 'patient'
          ? { ...newest, doctor_unread: eb('doctor_unread', '+', 1) }
          : {
              ...newest,
              patient_unread: eb('patient_unread', '+', 1),
              notice_due_at: noticeDueAt === null ? null : eb.fn.coalesce('notice_due_at', eb.val(noticeDueAt)),
            },
      )
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The doctor closes: once (false when it was closed already). */
  async close(trx: Transaction<Database>, id: number, staffId: number, now: number) {
    const result = await trx
      .updateTable('consultations')
      .set((eb) => ({
        status: 'closed',
        closed_at: now,
        closed_by: staffId,
        last_message: null,
        last_message_kind: 'closed',
        last_message_at: now,
        // The closing note is news to the patient; nothing is left for the doctor to read.
        patient_unread: eb('patient_unread', '+', 1),
        doctor_unread: 0,
      }))
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** A party has read everything: their count drops to 0 (and, for the patient, no notice is due). */
  async markRead(id: number, side: Side): Promise<void> {
    await this.db
      .updateTable('consultations')
      .set(side === 'patient' ? { patient_unread: 0, notice_due_at: null } : { doctor_unread: 0 })
      .where('id', '=', id)
      .execute();
  }

  /** A page of a thread, oldest first: after an id (polling), before one (history), else the newest. */
  async messages(consultationId: number, page: { after?: number; before?: number; limit: number }) {
    let query = this.db.selectFrom('consultation_messages').selectAll().where('consultation_id', '=', consultationId);
    if (page.after !== undefined) query = query.where('id', '>', page.after);
    if (page.before !== undefined) query = query.where('id', '<', page.before);
    const rows = await query
      .orderBy('id', page.after !== undefined ? 'asc' : 'desc')
      .limit(page.limit + 1)
      .execute();
    const more = rows.length > page.limit;
    const pageRows = rows.slice(0, page.limit);
    // Newest-first pages are turned round; "more" means older messages for them, newer ones for polling.
    return page.after !== undefined
      ? { rows: pageRows, olderExist: false, newerExist: more }
      : { rows: pageRows.reverse(), olderExist: more, newerExist: false };
  }

  message(id: number, db: Db = this.db) {
    return db.selectFrom('consultation_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  /** An image message with its consultation's two parties, for the image routes' check. */
  imageMessage(messageId: number) {
    return this.db
      .selectFrom('consultation_messages as m')
      .innerJoin('consultations as c', 'c.id', 'm.consultation_id')
      .select(['m.id', 'm.image_file', 'm.image_type', 'c.patient_id', 'c.doctor_id', 'c.id as consultation_id'])
      .where('m.id', '=', messageId)
      .where('m.kind', '=', 'image')
      .executeTakeFirst();
  }

  /** Messages stored after `cursor`, with their parties: what the live feed delivers (oldest first). */
  messagesAfter(cursor: number, limit: number) {
    return this.db
      .selectFrom('consultation_messages as m')
      .innerJoin('consultations as c', 'c.id', 'm.consultation_id')
      .select(['m.id', 'c.patient_id', 'c.doctor_id'])
      .where('m.id', '>', cursor)
      .orderBy('m.id')
      .limit(limit)
      .execute();
  }

  async lastMessageId(): Promise<number> {
    const row = await this.db
      .selectFrom('consultation_messages')
      .select(sql<number | null>`max(id)`.as('last'))
      .executeTakeFirstOrThrow();
    return Number(row.last ?? 0);
  }

  /** Consultations whose patient is due a notice of an unread answer. */
  dueNotices(now: number, limit: number) {
    return this.db
      .selectFrom('consultations')
      .select(['id', 'patient_id', 'doctor_id', 'notice_due_at'])
      .where('notice_due_at', '<=', now)
      .orderBy('notice_due_at')
      .limit(limit)
      .execute();
  }

  /** Takes a due notice, once across instances: the instance whose UPDATE matched sends it. */
  async claimNotice(trx: Transaction<Database>, id: number, dueAt: number): Promise<boolean> {
    const result = await trx
      .updateTable('consultations')
      .set({ notice_due_at: null })
      .where('id', '=', id)
      .where('notice_due_at', '=', dueAt)
      .where('patient_unread', '>', 0)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Image files whose consultation is gone (the patient was purged): for the housekeeping's sweep. */
  async orphanedImageFiles(limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('consultation_image_files')
      .select('file_name')
      .where('consultation_id', 'is', null)
      .limit(limit)
      .execute();
    return rows.map((row) => row.file_name);
  }

  async forgetImageFiles(fileNames: readonly string[]): Promise<void> {
    if (fileNames.length === 0) return;
    await this.db
      .deleteFrom('consultation_image_files')
      .where('file_name', 'in', [...fileNames])
      .execute();
  }
}
