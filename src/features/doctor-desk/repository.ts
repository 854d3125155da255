import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { scopeCondition } from '../../domain/patient-scope.js';

/** The doctor's day: one query for the day's appointments with their patients, one for their history. */
export class DoctorDayRepository {
  constructor(private readonly db: Kysely<Database>) {}

  doctor(doctorId: number) {
    return this.db
      .selectFrom('doctors as d')
      .leftJoin('departments as dep', 'dep.id', 'd.department_id')
      .select(['d.id', 'd.name', 'd.title', 'dep.name as department_name'])
      .where('d.id', '=', doctorId)
      .executeTakeFirst();
  }

  /** The date's appointments with this doctor (cancelled ones left out), by session start, with each patient. */
  appointments(doctorId: number, date: string) {
    return (
      this.db
        .selectFrom('appointments as ap')
        .innerJoin('patients as p', 'p.id', 'ap.patient_id')
        .leftJoin('diseases as dis', 'dis.id', 'p.disease_id')
        .select([
          'ap.id',
          'ap.period',
          'ap.start_time',
          'ap.status',
          'ap.visit_id',
          'ap.seen_at',
          'ap.visit_reason',
          'p.id as patient_id',
          'p.name as patient_name',
          'p.sex',
          'p.age',
          'p.birth_date',
          'p.remarks',
          'p.medical_history',
          'dis.name as disease_name',
        ])
        .where('ap.doctor_id', '=', doctorId)
        .where('ap.session_date', '=', date)
        .where('ap.status', '<>', 'cancelled')
        // The doctor's scope, spelled once: these patients are in it by their appointment.
        .where((eb) => scopeCondition(eb, { kind: 'doctor', doctorId }, 'p'))
        .orderBy('ap.start_time')
        .orderBy('ap.id')
        .execute()
    );
  }

  /** Visits before `before` (the day's start) per patient: how many, and the latest. */
  async history(patientIds: readonly number[], before: number) {
    if (patientIds.length === 0) return new Map<number, { count: number; last: number | null }>();
    const rows = await this.db
      .selectFrom('visits')
      .select([
        'patient_id',
        sql<number>`count(*)`.as('visit_count'),
        sql<number | null>`max(visit_time)`.as('last_visit'),
      ])
      .where('patient_id', 'in', [...new Set(patientIds)])
      .where('visit_time', '<', before)
      .groupBy('patient_id')
      .execute();
    return new Map(
      rows.map((row) => [
        row.patient_id,
        { count: Number(row.visit_count), last: row.last_visit === null ? null : Number(row.last_visit) },
      ]),
    );
  }
}
