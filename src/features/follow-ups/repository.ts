import type { Kysely } from 'kysely';
import type { Database, Executor } from '../../db/schema.js';
import { livePatient, type PatientScope, scopeCondition } from '../../domain/patient-scope.js';

export interface NewFollowUp {
  patientId: number;
  staffId: number;
  contactTime: number;
  way: string;
  content: string;
  nextFollowUpDate: string | null;
  now: number;
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
   * The caller's due list: the live patients in scope they hold (author) whose plan (the latest
   * contact's next date, by whoever made it: db/follow-up-plan.ts) is today or earlier, each with
   * that latest contact. The worklist's overdue + today for consultant = the caller, and the
   * dashboard's 待回访, count the same patients.
   */
  async dueFor(staffId: number, today: string, scope: PatientScope, paging: { page: number; pageSize: number }) {
    let base = this.db
      .selectFrom('patients as p')
      .innerJoin('follow_ups as f', (join) =>
        join.onRef('f.patient_id', '=', 'p.id').onRef('f.contact_time', '=', 'p.last_contact_at'),
      )
      .where('p.author_id', '=', staffId)
      .where('p.next_follow_up_date', '<=', today)
      .where((eb) => livePatient(eb, 'p'))
      // Of contacts at the same second, the newer one made the plan.
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('follow_ups as later')
              .select('later.id')
              .whereRef('later.patient_id', '=', 'f.patient_id')
              .whereRef('later.contact_time', '=', 'f.contact_time')
              .whereRef('later.id', '>', 'f.id'),
          ),
        ),
      );
    base = base.where((eb) => scopeCondition(eb, scope, 'p'));
    const rows = await base
      .leftJoin('staff_users as s', 's.id', 'f.staff_id')
      .selectAll('f')
      .select(['s.display_name as staff_name', 'p.name as patient_name', 'p.tel as patient_tel'])
      .orderBy('p.next_follow_up_date', 'asc')
      .orderBy('p.id', 'asc')
      .limit(paging.pageSize)
      .offset((paging.page - 1) * paging.pageSize)
      .execute();
    const counted = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }
}

export type FollowUpRow = Awaited<ReturnType<FollowUpRepository['listForPatient']>>['rows'][number];
