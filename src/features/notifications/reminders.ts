import type { Kysely } from 'kysely';
import type { Database, Executor } from '../../db/schema.js';
import { addDays, type ClinicCalendar } from '../../domain/clinic-time/clinic-calendar.js';
import type { PatientNotices } from '../../domain/patient-notices.js';

const BATCH = 200;
type ReminderKind = 'day_before' | 'hours_before';

/** Live bookings due a reminder of a kind, and the ledger that makes each happen once. */
export class ReminderRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private due(kind: ReminderKind) {
    return this.db
      .selectFrom('appointments as ap')
      .innerJoin('patients as p', 'p.id', 'ap.patient_id')
      .innerJoin('doctors as d', 'd.id', 'ap.doctor_id')
      .leftJoin('departments as dep', 'dep.id', 'd.department_id')
      .select([
        'ap.id',
        'ap.patient_id',
        'ap.doctor_id',
        'ap.session_date',
        'ap.period',
        'ap.start_time',
        'd.name as doctor_name',
        'dep.name as department_name',
      ])
      .where('ap.status', '=', 'booked')
      .where('p.deleted_at', 'is', null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('notification_reminders as r')
              .select('r.appointment_id')
              .whereRef('r.appointment_id', '=', 'ap.id')
              .where('r.kind', '=', kind),
          ),
        ),
      )
      .orderBy('ap.id')
      .limit(BATCH);
  }

  /** Tomorrow's live bookings made before today's reminder time (later ones just got their confirmation). */
  dueDayBefore(tomorrow: string, dueAt: number, now: number) {
    return this.due('day_before')
      .where('ap.session_date', '=', tomorrow)
      .where('ap.start_time', '>', now)
      .where('ap.created_at', '<', dueAt)
      .execute();
  }

  /** Live bookings starting within `seconds`, made before their reminder became due. */
  dueHoursBefore(dates: readonly string[], now: number, seconds: number) {
    return this.due('hours_before')
      .where('ap.session_date', 'in', dates)
      .where('ap.start_time', '>', now)
      .where('ap.start_time', '<=', now + seconds)
      .where((eb) => eb('ap.created_at', '<', eb('ap.start_time', '-', seconds)))
      .execute();
  }

  /**
   * Takes the ledger rows of these appointments for a kind; answers those this call took. Another
   * instance taking them at the same moment waits on the row (PostgreSQL) or the writer lock
   * (SQLite) and then takes none, so each reminder is enqueued once.
   */
  async take(kind: ReminderKind, appointmentIds: readonly number[], now: number, db: Executor): Promise<Set<number>> {
    if (appointmentIds.length === 0) return new Set();
    const rows = await db
      .insertInto('notification_reminders')
      .values(appointmentIds.map((id) => ({ appointment_id: id, kind, created_at: now })))
      .onConflict((conflict) => conflict.columns(['appointment_id', 'kind']).doNothing())
      .returning('appointment_id')
      .execute();
    return new Set(rows.map((row) => row.appointment_id));
  }
}

/**
 * Enqueues appointment reminders: the day before at NOTIFY_REMINDER_DAY_BEFORE clinic time, and
 * NOTIFY_REMINDER_HOURS_BEFORE hours before the session when set. Runs every minute on every
 * instance that runs the worker; the ledger keeps it to once per appointment and kind. A patient
 * who turned reminders off gets none (the outbox checks their settings).
 */
export class ReminderScheduler {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repository: ReminderRepository,
    private readonly notices: PatientNotices,
    private readonly calendar: ClinicCalendar,
    private readonly options: { dayBeforeMinute: number | null; hoursBefore: number },
  ) {}

  /** Enqueues what is due at `now` (Unix seconds); answers how many appointments got a reminder. */
  async runOnce(now: number): Promise<number> {
    let enqueued = 0;
    const today = this.calendar.dateAt(now);
    const { dayBeforeMinute, hoursBefore } = this.options;
    if (dayBeforeMinute !== null) {
      const dueAt = this.calendar.instantOnDate(today, dayBeforeMinute);
      if (now >= dueAt)
        enqueued += await this.drain(
          'day_before',
          () => this.repository.dueDayBefore(addDays(today, 1), dueAt, now),
          now,
        );
    }
    if (hoursBefore > 0) {
      const dates = [today, addDays(today, 1)];
      enqueued += await this.drain(
        'hours_before',
        () => this.repository.dueHoursBefore(dates, now, hoursBefore * 3600),
        now,
      );
    }
    return enqueued;
  }

  private async drain(
    kind: ReminderKind,
    due: () => ReturnType<ReminderRepository['dueDayBefore']>,
    now: number,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await due();
      if (batch.length === 0) return total;
      total += await this.db.transaction().execute(async (trx) => {
        const taken = await this.repository.take(
          kind,
          batch.map((row) => row.id),
          now,
          trx,
        );
        await this.notices.enqueue(
          trx,
          batch
            .filter((row) => taken.has(row.id))
            .map((row) => ({
              event: 'appointment_reminder' as const,
              patientId: row.patient_id,
              appointmentId: row.id,
              doctorId: row.doctor_id,
              date: row.session_date,
              period: row.period,
              startTime: row.start_time,
              doctorName: row.doctor_name,
              departmentName: row.department_name,
            })),
        );
        return taken.size;
      });
      if (batch.length < BATCH) return total;
    }
  }
}
