import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { precompiled } from '../../db/precompiled.js';
import type { Database } from '../../db/schema.js';
import type { PatientScope } from '../../domain/patient-scope.js';
import { scopeCondition } from '../../domain/patient-scope.js';
import { dueFollowUpCount } from '../follow-ups/index.js';

type TimeColumn = 'add_time' | 'order_time' | 'reach_time';

/** The dashboard's figures of today, for the caller. */
export interface TodayFigures {
  registered: number;
  booked: number;
  /** Of the booked: still 未到 (state 0). */
  bookedPending: number;
  arrived: number;
  /** The caller's patients whose follow-up plan is due today or overdue (GET worklists/follow-ups, due=due). */
  followUpsDue: number;
}

type TodayRow = Record<keyof TodayFigures, unknown>;

/** The dashboard counts the whole pool or the caller's own; a doctor's day is 医生工作台 (docs/doctors.md). */
export type DashboardScope = Extract<PatientScope, { kind: 'all' | 'own' }>;

/** One row: today's counts per time column and the caller's follow-ups due. */
function todayStatement(
  query: Kysely<Database>,
  scope: DashboardScope,
  dayStart: number,
  dayEnd: number,
  staffId: number,
  today: string,
) {
  // 未到 is counted in the aggregate, not filtered: `state = ?` in the WHERE made SQLite walk
  // (state, add_time) over every pending patient (160 ms at 1M) instead of the day's range of
  // the time column's covering index, which carries state.
  const countOf = (column: TimeColumn, pendingOnly = false) =>
    query
      .selectFrom('patients')
      .select(
        pendingOnly
          ? sql<number>`coalesce(sum(case when ${sql.ref('patients.state')} = 0 then 1 else 0 end), 0)`.as('n')
          : sql<number>`count(*)`.as('n'),
      )
      .where((eb: ExpressionBuilder<Database, 'patients'>) =>
        eb.and([
          scopeCondition(eb, scope),
          eb(`patients.${column}`, '>=', dayStart),
          eb(`patients.${column}`, '<=', dayEnd),
        ]),
      );
  const followUpsDue = dueFollowUpCount(query, scope, staffId, today);
  return query.selectNoFrom([
    countOf('add_time').as('registered'),
    countOf('order_time').as('booked'),
    countOf('order_time', true).as('bookedPending'),
    countOf('reach_time').as('arrived'),
    followUpsDue.as('followUpsDue'),
  ]);
}

/**
 * The dashboard's counts of today: one index range scan per time column, scoped like the
 * list, and the caller's follow-ups due, in one statement. The month's totals come from the
 * statistics rollup (StatisticsService.totals).
 *
 * One statement, compiled once per scope kind (src/db/precompiled.ts; on PostgreSQL a named
 * statement, planned once per connection): on the 1M bench pool PostgreSQL spent 1.5 of its
 * 2 ms on the dashboard parsing and planning, and the server process a quarter of its CPU
 * writing to PostgreSQL's sockets. Today's figures, in process at 1M: PostgreSQL two statements
 * 4.5 ms -> one 1.5 ms, SQLite 1.1 -> 0.15 ms.
 */
export class DashboardRepository {
  private readonly allToday: (
    dayStart: number,
    dayEnd: number,
    staffId: number,
    today: string,
  ) => Promise<TodayRow | undefined>;
  private readonly ownToday: (
    dayStart: number,
    dayEnd: number,
    staffId: number,
    today: string,
    authorId: number,
  ) => Promise<TodayRow | undefined>;

  constructor(db: Kysely<Database>) {
    this.allToday = precompiled(db, (query, dayStart: number, dayEnd: number, staffId: number, today: string) =>
      todayStatement(query, { kind: 'all' }, dayStart, dayEnd, staffId, today),
    );
    this.ownToday = precompiled(
      db,
      (query, dayStart: number, dayEnd: number, staffId: number, today: string, authorId: number) =>
        todayStatement(query, { kind: 'own', authorId }, dayStart, dayEnd, staffId, today),
    );
  }

  async today(
    scope: DashboardScope,
    day: { start: number; end: number },
    staffId: number,
    today: string,
  ): Promise<TodayFigures> {
    const row =
      scope.kind === 'all'
        ? await this.allToday(day.start, day.end, staffId, today)
        : await this.ownToday(day.start, day.end, staffId, today, scope.authorId);
    // PostgreSQL's count is a bigint, read as a string.
    return {
      registered: Number(row?.registered ?? 0),
      booked: Number(row?.booked ?? 0),
      bookedPending: Number(row?.bookedPending ?? 0),
      arrived: Number(row?.arrived ?? 0),
      followUpsDue: Number(row?.followUpsDue ?? 0),
    };
  }
}
