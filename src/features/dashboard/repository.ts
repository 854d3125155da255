import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { isLatestContactOfItsAuthor } from '../follow-ups/repository.js';
import { scopeCondition } from '../patients/repository.js';
import type { PatientScope } from '../patients/scope.js';

type TimeColumn = 'add_time' | 'order_time' | 'reach_time';

export interface DayCounts {
  count: number;
  /** Of those: still 未到 (state 0). */
  pending: number;
}

const TIME_COLUMNS: TimeColumn[] = ['add_time', 'order_time', 'reach_time'];

/**
 * The dashboard's counts of today: one index range scan per time column, scoped like the
 * list. The month's totals come from the statistics rollup (StatisticsService.totals).
 */
export class DashboardRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Today's count per time column, in one statement (one round trip). */
  async countsOfDay(scope: PatientScope, day: { start: number; end: number }): Promise<Record<TimeColumn, DayCounts>> {
    const countOf = (column: TimeColumn) =>
      this.db
        .selectFrom('patients')
        .select([
          sql<string>`${sql.lit(column)}`.as('time_column'),
          sql<number>`count(*)`.as('count'),
          sql<number>`coalesce(sum(case when ${sql.ref('patients.state')} = 0 then 1 else 0 end), 0)`.as('pending'),
        ])
        .where((eb: ExpressionBuilder<Database, 'patients'>) =>
          eb.and([scopeCondition(eb, scope), eb(`patients.${column}`, '>=', day.start), eb(`patients.${column}`, '<=', day.end)]),
        );
    const rows = await countOf('add_time').unionAll(countOf('order_time')).unionAll(countOf('reach_time')).execute();
    const counts = Object.fromEntries(TIME_COLUMNS.map((column) => [column, { count: 0, pending: 0 }])) as Record<TimeColumn, DayCounts>;
    for (const row of rows) counts[row.time_column as TimeColumn] = { count: Number(row.count), pending: Number(row.pending) };
    return counts;
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
