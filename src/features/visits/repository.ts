import { type Kysely, sql } from 'kysely';
import type { Database, Executor } from '../../db/schema.js';

/** Visits (arrivals) and the pool-record counters they keep up to date. */
export class VisitRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Locks nothing by itself: call inside the transaction that records the arrival. */
  findPatientForArrival(patientId: number, db: Executor) {
    return db
      .selectFrom('patients')
      .select(['id', 'add_time', 'reach_time', 'visit_count', 'doctor_id', 'deleted_at'])
      .where('id', '=', patientId)
      .executeTakeFirst();
  }

  insertVisit(
    visit: {
      patientId: number;
      doctorId: number | null;
      visitTime: number;
      isFirstVisit: boolean;
      spendFen: number;
      appointmentId: number | null;
      notes: string | null;
      recordedBy: number | null;
      now: number;
    },
    db: Executor,
  ) {
    return db
      .insertInto('visits')
      .values({
        patient_id: visit.patientId,
        doctor_id: visit.doctorId,
        visit_time: visit.visitTime,
        is_first_visit: visit.isFirstVisit ? 1 : 0,
        spend_fen: visit.spendFen,
        appointment_id: visit.appointmentId,
        notes: visit.notes,
        recorded_by: visit.recordedBy,
        created_at: visit.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Arrival: state 已到, reach_time set on the first arrival (it is the funnel's arrival
   * time), counters incremented in SQL so concurrent arrivals cannot lose an update.
   */
  async markArrived(patientId: number, visitTime: number, spendFen: number, now: number, db: Executor): Promise<void> {
    await db
      .updateTable('patients')
      .set({
        state: 1,
        reach_time: sql<number>`coalesce(reach_time, ${visitTime})`,
        visit_count: sql<number>`visit_count + 1`,
        spend_fen: sql<number>`spend_fen + ${spendFen}`,
        updated_at: now,
      })
      .where('id', '=', patientId)
      .execute();
  }

  listForPatient(patientId: number, db: Executor = this.db) {
    return db
      .selectFrom('visits as v')
      .leftJoin('doctors as d', 'd.id', 'v.doctor_id')
      .leftJoin('staff_users as recorder', 'recorder.id', 'v.recorded_by')
      .select([
        'v.id',
        'v.patient_id',
        'v.doctor_id',
        'd.name as doctor_name',
        'v.visit_time',
        'v.is_first_visit',
        'v.spend_fen',
        'v.appointment_id',
        'v.notes',
        'v.recorded_by',
        'recorder.display_name as recorded_by_name',
        'v.created_at',
      ])
      .where('v.patient_id', '=', patientId)
      .orderBy('v.visit_time', 'desc')
      .orderBy('v.id', 'desc')
      .execute();
  }

  /** One visit with the same names as the history, for the answer to an arrival. */
  findWithNames(visitId: number, db: Executor = this.db) {
    return db
      .selectFrom('visits as v')
      .leftJoin('doctors as d', 'd.id', 'v.doctor_id')
      .leftJoin('staff_users as recorder', 'recorder.id', 'v.recorded_by')
      .select([
        'v.id',
        'v.patient_id',
        'v.doctor_id',
        'd.name as doctor_name',
        'v.visit_time',
        'v.is_first_visit',
        'v.spend_fen',
        'v.appointment_id',
        'v.notes',
        'v.recorded_by',
        'recorder.display_name as recorded_by_name',
        'v.created_at',
      ])
      .where('v.id', '=', visitId)
      .executeTakeFirstOrThrow();
  }
}

export type VisitHistoryRow = Awaited<ReturnType<VisitRepository['listForPatient']>>[number];
