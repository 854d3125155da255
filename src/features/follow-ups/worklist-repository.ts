import { type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { type PatientScope, scopeCondition } from '../../domain/patient-scope.js';

/** Where a plan's date lies against today: before, on it, or within the upcoming days. */
export type DueBucket = 'overdue' | 'today' | 'upcoming';

export interface FollowUpWorklistFilters {
  /** The consultant holding the patients (patients.author_id). */
  consultantId?: number;
  mediaFromId?: number;
  state?: number;
}

/** Dates that bound the worklist: today, and the last upcoming day. */
export interface WorklistDates {
  today: string;
  upcomingUntil: string;
}

type PatientsBuilder = ExpressionBuilder<Database, 'patients'>;

/** The latest follow-up of the patient row in scope: contact_time = its last_contact_at, the newest row of those. */
const latestContact = (eb: PatientsBuilder) =>
  eb
    .selectFrom('follow_ups as f')
    .whereRef('f.patient_id', '=', 'patients.id')
    .whereRef('f.contact_time', '=', 'patients.last_contact_at')
    .orderBy('f.id', 'desc')
    .limit(1);

const bucketCondition = (eb: PatientsBuilder, buckets: readonly DueBucket[], dates: WorklistDates) => {
  const date = 'patients.next_follow_up_date' as const;
  const parts: Expression<SqlBool>[] = [];
  if (buckets.includes('overdue')) parts.push(eb(date, '<', dates.today));
  if (buckets.includes('today')) parts.push(eb(date, '=', dates.today));
  if (buckets.includes('upcoming'))
    parts.push(eb.and([eb(date, '>', dates.today), eb(date, '<=', dates.upcomingUntil)]));
  return eb.or(parts);
};

/**
 * The follow-up plans of the patients (db/follow-up-plan.ts), read through the partial indexes
 * of migration 0022: a consultant's (author_id, next_follow_up_date), or all in date order.
 */
export class FollowUpWorklistRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private where(scope: PatientScope, filters: FollowUpWorklistFilters) {
    return (eb: PatientsBuilder) => {
      const conditions: Expression<SqlBool>[] = [
        scopeCondition(eb, scope),
        eb('patients.next_follow_up_date', 'is not', null),
      ];
      if (filters.consultantId !== undefined) conditions.push(eb('patients.author_id', '=', filters.consultantId));
      if (filters.mediaFromId !== undefined) conditions.push(eb('patients.media_from_id', '=', filters.mediaFromId));
      if (filters.state !== undefined) conditions.push(eb('patients.state', '=', filters.state));
      return eb.and(conditions);
    };
  }

  /** How many plans fall in each bucket, under the filters: one pass over the index range up to the last upcoming day. */
  async counts(
    scope: PatientScope,
    filters: FollowUpWorklistFilters,
    dates: WorklistDates,
  ): Promise<Record<DueBucket, number>> {
    const date = sql.ref('patients.next_follow_up_date');
    const countWhere = (condition: RawBuilder<unknown>) =>
      sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
    const row = await this.db
      .selectFrom('patients')
      .select([
        countWhere(sql`${date} < ${dates.today}`).as('overdue'),
        countWhere(sql`${date} = ${dates.today}`).as('today'),
        countWhere(sql`${date} > ${dates.today}`).as('upcoming'),
      ])
      .where(this.where(scope, filters))
      .where('patients.next_follow_up_date', '<=', dates.upcomingUntil)
      .executeTakeFirstOrThrow();
    // PostgreSQL's sums are bigints, read as strings.
    return { overdue: Number(row.overdue), today: Number(row.today), upcoming: Number(row.upcoming) };
  }

  /** A page of plans in these buckets, earliest date first, with the names a row shows. */
  async page(
    scope: PatientScope,
    filters: FollowUpWorklistFilters,
    buckets: readonly DueBucket[],
    dates: WorklistDates,
    paging: { page: number; pageSize: number },
  ) {
    return this.db
      .selectFrom('patients')
      .leftJoin('staff_users as consultant', 'consultant.id', 'patients.author_id')
      .leftJoin('channels as channel', 'channel.id', 'patients.media_from_id')
      .select([
        'patients.id',
        'patients.name',
        'patients.tel',
        'patients.state',
        'patients.author_id',
        'consultant.display_name as consultant_name',
        'patients.media_from_id',
        'channel.name as media_from_name',
        'patients.next_follow_up_date',
        'patients.last_contact_at',
        // The contact that made the plan (of equal times the newer row), read with the page.
        (eb) => latestContact(eb).select('f.way').as('last_contact_way'),
        (eb) =>
          latestContact(eb)
            .innerJoin('staff_users as contact_staff', 'contact_staff.id', 'f.staff_id')
            .select('contact_staff.display_name')
            .as('last_contact_by'),
      ])
      .where(this.where(scope, filters))
      .where((eb) => bucketCondition(eb, buckets, dates))
      .orderBy('patients.next_follow_up_date')
      .orderBy('patients.id')
      .limit(paging.pageSize)
      .offset((paging.page - 1) * paging.pageSize)
      .execute();
  }
}

/** The dashboard's 待回访: the caller's patients whose plan is due today or overdue (the worklist's overdue + today). */
export function dueFollowUpCount(query: Kysely<Database>, scope: PatientScope, staffId: number, today: string) {
  return query
    .selectFrom('patients')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) =>
      eb.and([
        scopeCondition(eb, scope),
        eb('patients.author_id', '=', staffId),
        eb('patients.next_follow_up_date', '<=', today),
      ]),
    );
}
