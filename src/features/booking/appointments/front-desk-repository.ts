import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { type PatientScope, scopeCondition } from '../../../domain/patient-scope.js';

/** The front desk's view of one clinic date: what a row is now. */
export type ArrivalState = 'waiting' | 'late' | 'arrived' | 'missed';

export interface FrontDeskDayQuery {
  date: string;
  /** The clinic day's first and last instants: walk-ins are the visits between them. */
  day: { start: number; end: number };
  scope: PatientScope;
  doctorId?: number;
  /** Only rows in this state (the appointments; walk-ins have arrived). */
  state?: ArrivalState;
  now: number;
  /** A booked patient is late once the session started this long ago. */
  graceSeconds: number;
}

type AppointmentBuilder = ExpressionBuilder<
  Database & { ap: Database['appointments']; p: Database['patients'] },
  'ap' | 'p'
>;

/** Live patients in the caller's scope, on the alias `p`. */
const inScope = (eb: AppointmentBuilder, scope: PatientScope): Expression<SqlBool> => scopeCondition(eb, scope, 'p');

/**
 * The state of an appointment row in SQL: arrived and missed as recorded; a booked one is late
 * once its session start plus the grace has passed, waiting before that.
 */
const stateSql = (now: number, graceSeconds: number) =>
  sql<ArrivalState>`case ${sql.ref('ap.status')} when 'arrived' then 'arrived' when 'missed' then 'missed'
    else case when ${sql.ref('ap.start_time')} + ${graceSeconds} < ${now} then 'late' else 'waiting' end end`;

/**
 * The front desk's day across every doctor: that date's appointments (cancelled ones only
 * counted) and the walk-ins (arrived that day without an appointment that day), in the caller's
 * scope. Ordered by session start, doctor and id, so pages never skip or repeat a row.
 */
export class FrontDeskRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private appointments(query: FrontDeskDayQuery) {
    let rows = this.db
      .selectFrom('appointments as ap')
      .innerJoin('patients as p', 'p.id', 'ap.patient_id')
      .where('ap.session_date', '=', query.date)
      .where((eb) => inScope(eb, query.scope));
    if (query.doctorId !== undefined) rows = rows.where('ap.doctor_id', '=', query.doctorId);
    return rows;
  }

  /** Counts per state for the whole date (and doctor), whatever page or state is asked. */
  async summary(query: FrontDeskDayQuery) {
    const state = stateSql(query.now, query.graceSeconds);
    const count = (condition: ReturnType<typeof sql>) =>
      sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
    const row = await this.appointments(query)
      .select([
        count(sql`${sql.ref('ap.status')} <> 'cancelled'`).as('expected'),
        count(sql`${sql.ref('ap.status')} = 'cancelled'`).as('cancelled'),
        ...(['waiting', 'late', 'arrived', 'missed'] as const).map((name) =>
          count(sql`${sql.ref('ap.status')} <> 'cancelled' and ${state} = ${name}`).as(name),
        ),
      ])
      .executeTakeFirstOrThrow();
    // PostgreSQL's sums are bigints, read as strings.
    return {
      expected: Number(row.expected),
      waiting: Number(row.waiting),
      late: Number(row.late),
      arrived: Number(row.arrived),
      missed: Number(row.missed),
      cancelled: Number(row.cancelled),
    };
  }

  /** A page of the date's appointments (not cancelled), with the patient, doctor, consultant and arrival time. */
  async page(query: FrontDeskDayQuery, paging: { page: number; pageSize: number }) {
    const state = stateSql(query.now, query.graceSeconds);
    let rows = this.appointments(query).where('ap.status', '<>', 'cancelled');
    if (query.state !== undefined) rows = rows.where(sql<SqlBool>`${state} = ${query.state}`);
    const offset = (paging.page - 1) * paging.pageSize;
    const found = await rows
      .innerJoin('doctors as d', 'd.id', 'ap.doctor_id')
      .leftJoin('departments as dep', 'dep.id', 'd.department_id')
      .leftJoin('staff_users as consultant', 'consultant.id', 'p.author_id')
      .leftJoin('visits as v', 'v.id', 'ap.visit_id')
      .select([
        'ap.id',
        'ap.patient_id',
        'ap.doctor_id',
        'ap.period',
        'ap.start_time',
        'ap.status',
        'ap.source',
        'p.name as patient_name',
        'p.tel as patient_tel',
        'p.author_id',
        'consultant.display_name as consultant_name',
        'd.name as doctor_name',
        'dep.name as department_name',
        'v.visit_time',
        'ap.seen_at',
        state.as('state'),
        // The page and the total in one pass (a day is hundreds of rows, not a scan).
        sql<number | string>`count(*) over ()`.as('total'),
      ])
      .orderBy('ap.start_time')
      .orderBy('ap.doctor_id')
      .orderBy('ap.id')
      .limit(paging.pageSize)
      .offset(offset)
      .execute();
    // Past the last page no row carries the total.
    const total =
      found.length > 0
        ? Number(found[0]!.total)
        : offset === 0
          ? 0
          : Number((await rows.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { rows: found.map(({ total: _total, ...row }) => row), total };
  }

  /**
   * Walk-ins: visits in the clinic day without an appointment, of patients with no appointment
   * (cancelled ones aside) on that date; earliest first, at most `limit`, and how many there are.
   */
  async walkIns(query: FrontDeskDayQuery, limit: number) {
    let rows = this.db
      .selectFrom('visits as v')
      .innerJoin('patients as p', 'p.id', 'v.patient_id')
      .where('v.visit_time', '>=', query.day.start)
      .where('v.visit_time', '<=', query.day.end)
      .where('v.appointment_id', 'is', null)
      .where((eb) =>
        eb.and([
          inScope(eb as unknown as AppointmentBuilder, query.scope),
          eb.not(
            eb.exists(
              eb
                .selectFrom('appointments as booked')
                .select('booked.id')
                .whereRef('booked.patient_id', '=', 'v.patient_id')
                .where('booked.session_date', '=', query.date)
                .where('booked.status', '<>', 'cancelled'),
            ),
          ),
        ]),
      );
    if (query.doctorId !== undefined) rows = rows.where('v.doctor_id', '=', query.doctorId);
    const found = await rows
      .leftJoin('doctors as d', 'd.id', 'v.doctor_id')
      .leftJoin('staff_users as consultant', 'consultant.id', 'p.author_id')
      .select([
        'v.id',
        'v.patient_id',
        'v.doctor_id',
        'v.visit_time',
        'v.is_first_visit',
        'p.name as patient_name',
        'p.tel as patient_tel',
        'p.author_id',
        'consultant.display_name as consultant_name',
        'd.name as doctor_name',
        sql<number | string>`count(*) over ()`.as('total'),
      ])
      .orderBy('v.visit_time')
      .orderBy('v.id')
      .limit(limit)
      .execute();
    return {
      rows: found.map(({ total: _total, ...row }) => row),
      total: found.length > 0 ? Number(found[0]!.total) : 0,
    };
  }
}
