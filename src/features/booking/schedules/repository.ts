import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, Executor, SessionExceptionKind, SessionPeriod } from '../../../db/schema.js';

export interface SessionSlotKey {
  doctorId: number;
  date: string;
  period: SessionPeriod;
}

/** Doctors' weekly sessions, dated exceptions and per-session booking counters. */
export class ScheduleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** With the department's name: a booking's notice names both, without asking again. */
  findDoctor(doctorId: number, db: Executor = this.db) {
    return db
      .selectFrom('doctors as d')
      .leftJoin('departments as dep', 'dep.id', 'd.department_id')
      .select(['d.id', 'd.name', 'd.department_id', 'd.is_active', 'dep.name as department_name'])
      .where('d.id', '=', doctorId)
      .executeTakeFirst();
  }

  /** Weekly sessions of the given doctors (all doctors when `doctorIds` is undefined). */
  listWeekly(doctorIds: readonly number[] | undefined, db: Executor = this.db) {
    let query = db
      .selectFrom('doctor_weekly_sessions')
      .selectAll()
      .orderBy('doctor_id')
      .orderBy('weekday')
      .orderBy('period');
    if (doctorIds !== undefined) {
      if (doctorIds.length === 0) return Promise.resolve([]);
      query = query.where('doctor_id', 'in', doctorIds);
    }
    return query.execute();
  }

  findWeekly(doctorId: number, weekday: number, period: SessionPeriod, db: Executor = this.db) {
    return db
      .selectFrom('doctor_weekly_sessions')
      .selectAll()
      .where('doctor_id', '=', doctorId)
      .where('weekday', '=', weekday)
      .where('period', '=', period)
      .executeTakeFirst();
  }

  upsertWeekly(doctorId: number, weekday: number, period: SessionPeriod, capacity: number, now: number, db: Executor) {
    return db
      .insertInto('doctor_weekly_sessions')
      .values({ doctor_id: doctorId, weekday, period, capacity, created_at: now, updated_at: now })
      .onConflict((conflict) =>
        conflict.columns(['doctor_id', 'weekday', 'period']).doUpdateSet({ capacity, updated_at: now }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async deleteWeekly(doctorId: number, weekday: number, period: SessionPeriod, db: Executor): Promise<boolean> {
    const result = await db
      .deleteFrom('doctor_weekly_sessions')
      .where('doctor_id', '=', doctorId)
      .where('weekday', '=', weekday)
      .where('period', '=', period)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Exceptions dated from..to (inclusive) of the given doctors (all when undefined). */
  listExceptions(doctorIds: readonly number[] | undefined, from: string, to: string, db: Executor = this.db) {
    let query = db
      .selectFrom('doctor_session_exceptions')
      .selectAll()
      .where('session_date', '>=', from)
      .where('session_date', '<=', to)
      .orderBy('session_date')
      .orderBy('period');
    if (doctorIds !== undefined) {
      if (doctorIds.length === 0) return Promise.resolve([]);
      query = query.where('doctor_id', 'in', doctorIds);
    }
    return query.execute();
  }

  findException(slot: SessionSlotKey, db: Executor = this.db) {
    return db
      .selectFrom('doctor_session_exceptions')
      .selectAll()
      .where('doctor_id', '=', slot.doctorId)
      .where('session_date', '=', slot.date)
      .where('period', '=', slot.period)
      .executeTakeFirst();
  }

  findExceptionById(doctorId: number, exceptionId: number, db: Executor = this.db) {
    return db
      .selectFrom('doctor_session_exceptions')
      .selectAll()
      .where('id', '=', exceptionId)
      .where('doctor_id', '=', doctorId)
      .executeTakeFirst();
  }

  insertException(
    exception: SessionSlotKey & {
      kind: SessionExceptionKind;
      capacity: number | null;
      reason: string | null;
      createdBy: number;
      now: number;
    },
    db: Executor,
  ) {
    return db
      .insertInto('doctor_session_exceptions')
      .values({
        doctor_id: exception.doctorId,
        session_date: exception.date,
        period: exception.period,
        kind: exception.kind,
        capacity: exception.capacity,
        reason: exception.reason,
        created_by: exception.createdBy,
        created_at: exception.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async deleteException(exceptionId: number, db: Executor): Promise<void> {
    await db.deleteFrom('doctor_session_exceptions').where('id', '=', exceptionId).execute();
  }

  /** Booked counts of dated sessions from..to of the given doctors (all when undefined). */
  listCounters(doctorIds: readonly number[] | undefined, from: string, to: string, db: Executor = this.db) {
    let query = db
      .selectFrom('session_counters')
      .select(['doctor_id', 'session_date', 'period', 'booked'])
      .where('session_date', '>=', from)
      .where('session_date', '<=', to);
    if (doctorIds !== undefined) {
      if (doctorIds.length === 0) return Promise.resolve([]);
      query = query.where('doctor_id', 'in', doctorIds);
    }
    return query.execute();
  }

  /**
   * Takes the session's counter row for the rest of the transaction: created when missing,
   * then touched with a no-op update so that PostgreSQL holds its row lock (SQLite has one
   * writer anyway). Every booking, cancellation and session cancellation of the slot comes
   * through here first, so they run one after another and always in the same lock order.
   */
  async lockCounter(slot: SessionSlotKey, db: Transaction<Database>): Promise<{ id: number; booked: number }> {
    await db
      .insertInto('session_counters')
      .values({ doctor_id: slot.doctorId, session_date: slot.date, period: slot.period, booked: 0 })
      .onConflict((conflict) => conflict.columns(['doctor_id', 'session_date', 'period']).doNothing())
      .execute();
    return db
      .updateTable('session_counters')
      .set({ booked: sql<number>`booked` })
      .where('doctor_id', '=', slot.doctorId)
      .where('session_date', '=', slot.date)
      .where('period', '=', slot.period)
      .returning(['id', 'booked'])
      .executeTakeFirstOrThrow();
  }

  /** The guarded increment: takes a place only while one is left. */
  async takePlace(counterId: number, capacity: number, db: Transaction<Database>): Promise<boolean> {
    const result = await db
      .updateTable('session_counters')
      .set({ booked: sql<number>`booked + 1` })
      .where('id', '=', counterId)
      .where('booked', '<', capacity)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async releasePlaces(counterId: number, count: number, db: Transaction<Database>): Promise<void> {
    if (count <= 0) return;
    await db
      .updateTable('session_counters')
      .set({ booked: sql<number>`case when booked > ${count} then booked - ${count} else 0 end` })
      .where('id', '=', counterId)
      .execute();
  }
}
