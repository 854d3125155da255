import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database, Executor } from '../../db/schema.js';
import { livePatient, type PatientScope } from '../../domain/patient-scope.js';

export interface NewFollowUp {
  patientId: number;
  staffId: number;
  contactTime: number;
  way: string;
  content: string;
  nextFollowUpDate: string | null;
  now: number;
}

/**
 * For a follow-up aliased `f`: no later contact by the same staff user with the same
 * patient exists. A newer contact replaces the older plan, so only the latest one's
 * next_follow_up_date can make a patient due (the due list and the dashboard agree).
 */
export function isLatestContactOfItsAuthor({
  not,
  exists,
  selectFrom,
}: ExpressionBuilder<Database & { f: Database['follow_ups'] }, 'f'>) {
  return not(
    exists(
      selectFrom('follow_ups as later')
        .select('later.id')
        .whereRef('later.patient_id', '=', 'f.patient_id')
        .whereRef('later.staff_id', '=', 'f.staff_id')
        .where((eb) =>
          eb.or([
            eb('later.contact_time', '>', eb.ref('f.contact_time')),
            eb.and([eb('later.contact_time', '=', eb.ref('f.contact_time')), eb('later.id', '>', eb.ref('f.id'))]),
          ]),
        ),
    ),
  );
}

/** Follow-up contacts (回访). Callers check the patient's scope before touching its timeline. */
export class FollowUpRepository {
  constructor(private readonly db: Kysely<Database>) {}

  insert(followUp: NewFollowUp, db: Executor) {
    return db
      .insertInto('follow_ups')
      .values({
        patient_id: followUp.patientId,
        staff_id: followUp.staffId,
        contact_time: followUp.contactTime,
        way: followUp.way,
        content: followUp.content,
        next_follow_up_date: followUp.nextFollowUpDate,
        created_at: followUp.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The patient's timeline, newest contact first, with the staff member's name. */
  async listForPatient(patientId: number, paging: { page: number; pageSize: number }) {
    const rows = await this.db
      .selectFrom('follow_ups as f')
      .leftJoin('staff_users as s', 's.id', 'f.staff_id')
      .selectAll('f')
      .select('s.display_name as staff_name')
      .where('f.patient_id', '=', patientId)
      .orderBy('f.contact_time', 'desc')
      .orderBy('f.id', 'desc')
      .limit(paging.pageSize)
      .offset((paging.page - 1) * paging.pageSize)
      .execute();
    const counted = await this.db
      .selectFrom('follow_ups')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where('patient_id', '=', patientId)
      .executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }

  /**
   * Per live patient in scope, this staff member's latest follow-up, when its next date has
   * come (<= today). A newer contact by the same person replaces the older plan, so a
   * patient already called back again is no longer due.
   */
  async dueFor(staffId: number, today: string, scope: PatientScope, paging: { page: number; pageSize: number }) {
    let base = this.db
      .selectFrom('follow_ups as f')
      .innerJoin('patients as p', 'p.id', 'f.patient_id')
      .where('f.staff_id', '=', staffId)
      .where('f.next_follow_up_date', '<=', today)
      .where((eb) => livePatient(eb, 'p'))
      .where(isLatestContactOfItsAuthor);
    if (scope.kind === 'own') base = base.where('p.author_id', '=', scope.authorId);
    const rows = await base
      .leftJoin('staff_users as s', 's.id', 'f.staff_id')
      .selectAll('f')
      .select(['s.display_name as staff_name', 'p.name as patient_name', 'p.tel as patient_tel'])
      .orderBy('f.next_follow_up_date', 'asc')
      .orderBy('f.id', 'asc')
      .limit(paging.pageSize)
      .offset((paging.page - 1) * paging.pageSize)
      .execute();
    const counted = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }
}

export type FollowUpRow = Awaited<ReturnType<FollowUpRepository['listForPatient']>>['rows'][number];
