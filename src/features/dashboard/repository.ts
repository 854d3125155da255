import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { isLatestContactOfItsAuthor } from '../follow-ups/repository.js';
import { scopeCondition } from '../patients/repository.js';
import type { PatientScope } from '../patients/scope.js';

type TimeColumn = 'add_time' | 'order_time' | 'reach_time';

export interface PeriodCounts {
  month: number;
  today: number;
  /** Of today's: still 未到 (state 0). */
  todayPending: number;
}

/** The dashboard's counts: one index range scan per time column, scoped like the list. */
export class DashboardRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async countsIn(column: TimeColumn, scope: PatientScope, month: { start: number; end: number }, day: { start: number; end: number }): Promise<PeriodCounts> {
    const ref = sql.ref(`patients.${column}`);
    const row = await this.db
      .selectFrom('patients')
      .select([
        sql<number>`count(*)`.as('month'),
        sql<number>`coalesce(sum(case when ${ref} between ${day.start} and ${day.end} then 1 else 0 end), 0)`.as('today'),
        sql<number>`coalesce(sum(case when ${ref} between ${day.start} and ${day.end} and ${sql.ref('patients.state')} = 0 then 1 else 0 end), 0)`.as(
          'today_pending',
        ),
      ])
      .where((eb: ExpressionBuilder<Database, 'patients'>) =>
        eb.and([scopeCondition(eb, scope), eb(`patients.${column}`, '>=', month.start), eb(`patients.${column}`, '<=', month.end)]),
      )
      .executeTakeFirstOrThrow();
    return { month: Number(row.month), today: Number(row.today), todayPending: Number(row.today_pending) };
  }

  /**
   * Follow-ups due for this staff user: their latest contact with a patient asks for the next
   * one on or before today. A later contact by the same user settles an earlier date.
   */
  async followUpsDue(staffId: number, today: string, scope: PatientScope): Promise<number> {
    const row = await this.db
      .selectFrom('follow_ups as f')
      .innerJoin('patients', 'patients.id', 'f.patient_id')
      .select(sql<number>`count(*)`.as('due'))
      .where('f.staff_id', '=', staffId)
      .where('f.next_follow_up_date', 'is not', null)
      .where('f.next_follow_up_date', '<=', today)
      .where('patients.deleted_at', 'is', null)
      .$if(scope.kind === 'own', (query) => query.where('patients.author_id', '=', scope.kind === 'own' ? scope.authorId : -1))
      .where(isLatestContactOfItsAuthor)
      .executeTakeFirstOrThrow();
    return Number(row.due);
  }
}
