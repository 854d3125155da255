import { type Kysely, sql } from 'kysely';
import type { AppointmentSource, AppointmentStatus, Database, Executor } from '../../../db/schema.js';
import { type PatientScope, scopeCondition } from '../../../domain/patient-scope.js';
import type { SessionSlotKey } from '../schedules/repository.js';

const APPOINTMENT_COLUMNS = [
  'ap.id',
  'ap.patient_id',
  'ap.doctor_id',
  'ap.session_date',
  'ap.period',
  'ap.start_time',
  'ap.status',
  'ap.source',
  'ap.booked_by',
  'ap.cancelled_at',
  'ap.cancelled_by_type',
  'ap.cancel_reason',
  'ap.visit_id',
  'ap.seen_at',
  'ap.visit_reason',
  'ap.created_at',
  'ap.updated_at',
  'd.name as doctor_name',
  'dep.name as department_name',
] as const;

const STAFF_COLUMNS = [...APPOINTMENT_COLUMNS, 'p.name as patient_name', 'p.tel as patient_tel'] as const;

export class AppointmentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private withNames(db: Executor) {
    return db
      .selectFrom('appointments as ap')
      .innerJoin('doctors as d', 'd.id', 'ap.doctor_id')
      .leftJoin('departments as dep', 'dep.id', 'd.department_id');
  }

  /** The patient's own appointment; another patient's id finds nothing, like a missing one. */
  findOwned(appointmentId: number, patientId: number, db: Executor = this.db) {
    return this.withNames(db)
      .select(APPOINTMENT_COLUMNS)
      .where('ap.id', '=', appointmentId)
      .where('ap.patient_id', '=', patientId)
      .executeTakeFirst();
  }

  listOwned(patientId: number, limit: number) {
    return this.withNames(this.db)
      .select(APPOINTMENT_COLUMNS)
      .where('ap.patient_id', '=', patientId)
      .orderBy('ap.start_time', 'desc')
      .orderBy('ap.id', 'desc')
      .limit(limit)
      .execute();
  }

  findInScope(appointmentId: number, scope: PatientScope, db: Executor = this.db) {
    return this.withNames(db)
      .innerJoin('patients as p', 'p.id', 'ap.patient_id')
      .select(STAFF_COLUMNS)
      .where('ap.id', '=', appointmentId)
      .where((eb) => scopeCondition(eb, scope, 'p'))
      .executeTakeFirst();
  }

  listForPatientInScope(patientId: number, scope: PatientScope, limit: number) {
    return this.withNames(this.db)
      .innerJoin('patients as p', 'p.id', 'ap.patient_id')
      .select(STAFF_COLUMNS)
      .where('ap.patient_id', '=', patientId)
      .where((eb) => scopeCondition(eb, scope, 'p'))
      .orderBy('ap.start_time', 'desc')
      .orderBy('ap.id', 'desc')
      .limit(limit)
      .execute();
  }

  listDoctorDayInScope(doctorId: number, date: string, scope: PatientScope) {
    return this.withNames(this.db)
      .innerJoin('patients as p', 'p.id', 'ap.patient_id')
      .select(STAFF_COLUMNS)
      .where('ap.doctor_id', '=', doctorId)
      .where('ap.session_date', '=', date)
      .where((eb) => scopeCondition(eb, scope, 'p'))
      .orderBy('ap.start_time')
      .orderBy('ap.id')
      .execute();
  }

  /** Live bookings of one dated session, with who to call (session cancellation). */
  listBookedInSlot(slot: SessionSlotKey, db: Executor) {
    return db
      .selectFrom('appointments as ap')
      .innerJoin('patients as p', 'p.id', 'ap.patient_id')
      .select([
        'ap.id',
        'ap.patient_id',
        'ap.start_time',
        'p.name as patient_name',
        'p.tel as patient_tel',
        'p.author_id',
        'p.deleted_at',
      ])
      .where('ap.doctor_id', '=', slot.doctorId)
      .where('ap.session_date', '=', slot.date)
      .where('ap.period', '=', slot.period)
      .where('ap.status', '=', 'booked')
      .orderBy('ap.id')
      .execute();
  }

  findPatientInScope(patientId: number, scope: PatientScope, db: Executor = this.db) {
    return db
      .selectFrom('patients as p')
      .select(['p.id', 'p.name', 'p.tel'])
      .where('p.id', '=', patientId)
      .where((eb) => scopeCondition(eb, scope, 'p'))
      .executeTakeFirst();
  }

  findLiveInPatientSlot(patientId: number, date: string, period: string, db: Executor) {
    return db
      .selectFrom('appointments')
      .select('id')
      .where('patient_id', '=', patientId)
      .where('session_date', '=', date)
      .where('period', '=', period as 'morning')
      .where('status', '<>', 'cancelled')
      .executeTakeFirst();
  }

  insert(
    appointment: SessionSlotKey & {
      patientId: number;
      startTime: number;
      source: AppointmentSource;
      bookedBy: number | null;
      visitReason: string | null;
      now: number;
    },
    db: Executor,
  ) {
    return db
      .insertInto('appointments')
      .values({
        patient_id: appointment.patientId,
        doctor_id: appointment.doctorId,
        session_date: appointment.date,
        period: appointment.period,
        start_time: appointment.startTime,
        status: 'booked',
        source: appointment.source,
        booked_by: appointment.bookedBy,
        visit_reason: appointment.visitReason,
        created_at: appointment.now,
        updated_at: appointment.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  /** The sessions where the patient still holds a place, with how many (normally one each). */
  async bookedSlotsOf(patientId: number, db: Executor): Promise<(SessionSlotKey & { places: number })[]> {
    const rows = await db
      .selectFrom('appointments')
      .select(['doctor_id', 'session_date', 'period', sql<number>`count(*)`.as('places')])
      .where('patient_id', '=', patientId)
      .where('status', '=', 'booked')
      .groupBy(['doctor_id', 'session_date', 'period'])
      .orderBy('doctor_id')
      .orderBy('session_date')
      .orderBy('period')
      .execute();
    return rows.map((row) => ({
      doctorId: row.doctor_id,
      date: row.session_date,
      period: row.period,
      places: Number(row.places),
    }));
  }

  /** The patient's appointments not tied to a visit (a visit stays with the record it was recorded on). */
  movableOf(patientId: number, db: Executor) {
    return db
      .selectFrom('appointments')
      .select(['id', 'doctor_id', 'session_date', 'period', 'status'])
      .where('patient_id', '=', patientId)
      .where('visit_id', 'is', null)
      .orderBy('id')
      .execute();
  }

  async reassign(ids: readonly number[], patientId: number, now: number, db: Executor): Promise<void> {
    if (ids.length === 0) return;
    await db
      .updateTable('appointments')
      .set({ patient_id: patientId, updated_at: now })
      .where('id', 'in', ids)
      .execute();
  }

  /** The pool record's expected visit follows its earliest live booking from now on, when it has one. */
  async refreshPoolRecord(patientId: number, now: number, db: Executor): Promise<void> {
    const next = await db
      .selectFrom('appointments')
      .select(['start_time', 'doctor_id'])
      .where('patient_id', '=', patientId)
      .where('status', '=', 'booked')
      .where('start_time', '>=', now)
      .orderBy('start_time')
      .limit(1)
      .executeTakeFirst();
    if (next) await this.fillPoolRecord(patientId, next.start_time, next.doctor_id, now, db);
  }

  async deleteAllOf(patientId: number, db: Executor): Promise<number> {
    const result = await db.deleteFrom('appointments').where('patient_id', '=', patientId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Cancels the still-booked ones among `ids`; returns how many changed. */
  async cancelBooked(
    ids: readonly number[],
    by: { type: 'patient' | 'staff'; id: number; reason: string | null },
    now: number,
    db: Executor,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await db
      .updateTable('appointments')
      .set({
        status: 'cancelled',
        cancelled_at: now,
        cancelled_by_type: by.type,
        cancelled_by_id: by.id,
        cancel_reason: by.reason,
        updated_at: now,
      })
      .where('id', 'in', ids)
      .where('status', '=', 'booked')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** booked -> arrived | missed; false when it was no longer booked (a concurrent change). */
  async closeBooked(
    id: number,
    status: Extract<AppointmentStatus, 'arrived' | 'missed'>,
    visitId: number | null,
    now: number,
    db: Executor,
  ): Promise<boolean> {
    const result = await db
      .updateTable('appointments')
      .set({ status, visit_id: visitId, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'booked')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Arrived and not yet seen -> seen; false when it was not (the caller answers 409). */
  async markSeen(id: number, now: number, db: Executor): Promise<boolean> {
    const result = await db
      .updateTable('appointments')
      .set({ seen_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'arrived')
      .where('seen_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async linkVisit(id: number, visitId: number, db: Executor): Promise<void> {
    await db.updateTable('appointments').set({ visit_id: visitId }).where('id', '=', id).execute();
  }

  /** A booking fills the pool record: the expected visit time and the doctor (channel and disease untouched). */
  async fillPoolRecord(
    patientId: number,
    startTime: number,
    doctorId: number,
    now: number,
    db: Executor,
  ): Promise<void> {
    await db
      .updateTable('patients')
      .set({ order_time: startTime, doctor_id: doctorId, updated_at: now })
      .where('id', '=', patientId)
      .execute();
  }

  /**
   * After cancellations: a pool record whose order_time was a cancelled session moves to
   * the patient's next live booking, or to none. One statement for any number of patients.
   */
  async moveOrderTimeAfterCancel(
    patientIds: readonly number[],
    cancelledStart: number,
    now: number,
    db: Executor,
  ): Promise<void> {
    if (patientIds.length === 0) return;
    await db
      .updateTable('patients')
      .set({
        order_time: sql<
          number | null
        >`(select min(a.start_time) from appointments a where a.patient_id = patients.id and a.status = 'booked' and a.start_time >= ${now})`,
        updated_at: now,
      })
      .where('id', 'in', patientIds)
      .where('order_time', '=', cancelledStart)
      .execute();
  }
}

export type OwnedAppointmentRow = NonNullable<Awaited<ReturnType<AppointmentRepository['findOwned']>>>;
export type StaffAppointmentRow = NonNullable<Awaited<ReturnType<AppointmentRepository['findInScope']>>>;
