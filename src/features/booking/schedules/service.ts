import { isUniqueViolation } from '../../../db/database.js';
import type { SessionPeriod } from '../../../db/schema.js';
import type { AuditActor } from '../../../domain/audit.js';
import {
  addDays,
  BOOKING_HORIZON_DAYS,
  type ClinicCalendar,
  daysBetween,
  isCalendarDate,
} from '../../../domain/clinic-time/clinic-calendar.js';
import type { PatientNotices } from '../../../domain/patient-notices.js';
import { type PatientScope, unhandledScope } from '../../../domain/patient-scope.js';

/** Whether a caller sees a live booking's patient (with this consultant, booked with this doctor). */
function seesBooking(scope: PatientScope | null, authorId: number | null, doctorId: number): boolean {
  if (scope === null) return false;
  switch (scope.kind) {
    case 'all':
      return true;
    case 'own':
      return authorId === scope.authorId;
    case 'doctor':
      return doctorId === scope.doctorId;
    default:
      return unhandledScope(scope);
  }
}

import { AppError, invalidField } from '../../../http/errors.js';
import type { CoreServices } from '../../../services.js';
import type { AppointmentRepository } from '../appointments/repository.js';
import type { ScheduleRepository } from './repository.js';
import { datedSessions } from './session-calendar.js';

/** Staff list at most this many days of sessions in one request. */
const STAFF_RANGE_DAYS = 92;

export interface AffectedPatient {
  appointmentId: number;
  patientId: number;
  name: string;
  tel: string | null;
}

export class ScheduleService {
  constructor(
    private readonly core: CoreServices,
    private readonly schedules: ScheduleRepository,
    private readonly appointments: AppointmentRepository,
    readonly calendar: ClinicCalendar,
    /** The outbox: a stopped session (停诊) tells each patient whose booking it cancels. */
    private readonly notices: PatientNotices,
  ) {}

  today(now: number): string {
    return this.calendar.dateAt(now);
  }

  /** Dated sessions of many doctors from three batch reads (no query per doctor or day). */
  async sessionsOf(doctorIds: readonly number[], from: string, to: string, now: number) {
    const [weekly, exceptions, counters] = await Promise.all([
      this.schedules.listWeekly(doctorIds),
      this.schedules.listExceptions(doctorIds, from, to),
      this.schedules.listCounters(doctorIds, from, to),
    ]);
    return datedSessions({ doctorIds, from, to, weekly, exceptions, counters }, this.calendar, now);
  }

  async activeDoctor(doctorId: number) {
    const doctor = await this.schedules.findDoctor(doctorId);
    if (doctor?.is_active !== 1) throw new AppError('not_found', '医生不存在');
    return doctor;
  }

  async anyDoctor(doctorId: number) {
    const doctor = await this.schedules.findDoctor(doctorId);
    if (!doctor) throw new AppError('not_found', '医生不存在');
    return doctor;
  }

  /** Portal window: from today, at most BOOKING_HORIZON_DAYS ahead. Defaults: today .. today + 28. */
  portalRange(from: string | undefined, to: string | undefined, now: number): { from: string; to: string } {
    const today = this.today(now);
    const last = addDays(today, BOOKING_HORIZON_DAYS);
    const start = from ?? today;
    const end = to ?? last;
    if (!isCalendarDate(start)) throw invalidField('from', '须为真实日期 YYYY-MM-DD');
    if (!isCalendarDate(end)) throw invalidField('to', '须为真实日期 YYYY-MM-DD');
    if (start < today) throw invalidField('from', '不能早于今天');
    if (end > last) throw invalidField('to', `最多查询 ${BOOKING_HORIZON_DAYS} 天内（${last} 及以前）`);
    if (start > end) throw invalidField('to', '不能早于 from');
    return { from: start, to: end };
  }

  staffRange(from: string, to: string): void {
    if (!isCalendarDate(from)) throw invalidField('from', '须为真实日期 YYYY-MM-DD');
    if (!isCalendarDate(to)) throw invalidField('to', '须为真实日期 YYYY-MM-DD');
    if (from > to) throw invalidField('to', '不能早于 from');
    if (daysBetween(from, to) > STAFF_RANGE_DAYS) throw invalidField('to', `一次最多查询 ${STAFF_RANGE_DAYS} 天`);
  }

  async schedule(doctorId: number, from: string, to: string, now: number) {
    await this.anyDoctor(doctorId);
    this.staffRange(from, to);
    const [weekly, exceptions, sessions] = await Promise.all([
      this.schedules.listWeekly([doctorId]),
      this.schedules.listExceptions([doctorId], from, to),
      this.sessionsOf([doctorId], from, to, now),
    ]);
    return { weekly, exceptions, sessions };
  }

  /** Sets (creates or re-sizes) one weekly session. Existing bookings are kept even above the new capacity. */
  async setWeekly(
    doctorId: number,
    weekday: number,
    period: SessionPeriod,
    capacity: number,
    actor: AuditActor,
    now: number,
  ) {
    await this.anyDoctor(doctorId);
    return this.core.db.transaction().execute(async (trx) => {
      const before = await this.schedules.findWeekly(doctorId, weekday, period, trx);
      const row = await this.schedules.upsertWeekly(doctorId, weekday, period, capacity, now, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'schedule.weekly_set',
          targetType: 'doctor',
          targetId: doctorId,
          details: { weekday, period, capacity: { before: before?.capacity ?? null, after: capacity } },
        },
        trx,
      );
      return row;
    });
  }

  /** Stops a weekly session. Bookings already made stay valid; cancel dated sessions to call patients off. */
  async removeWeekly(
    doctorId: number,
    weekday: number,
    period: SessionPeriod,
    actor: AuditActor,
    now: number,
  ): Promise<void> {
    await this.anyDoctor(doctorId);
    await this.core.db.transaction().execute(async (trx) => {
      if (!(await this.schedules.deleteWeekly(doctorId, weekday, period, trx)))
        throw new AppError('not_found', '该出诊时段不存在');
      await this.core.audit.record(
        actor,
        {
          action: 'schedule.weekly_remove',
          targetType: 'doctor',
          targetId: doctorId,
          details: { weekday, period, at: now },
        },
        trx,
      );
    });
  }

  /**
   * Adds a dated exception. 'cancelled' calls the session off: its live bookings are
   * cancelled in the same transaction and returned so the front desk can call the patients
   * (those in the caller's scope by name; all are counted). 'extra' holds the session with
   * its own capacity (an added session or a re-sized weekly one).
   */
  async addException(
    staff: { id: number; scope: PatientScope | null },
    input: {
      doctorId: number;
      date: string;
      period: SessionPeriod;
      kind: 'cancelled' | 'extra';
      capacity?: number;
      reason?: string;
    },
    actor: AuditActor,
    now: number,
  ) {
    const doctor = await this.anyDoctor(input.doctorId);
    if (!isCalendarDate(input.date)) throw invalidField('date', '须为真实日期 YYYY-MM-DD');
    if (input.date < this.today(now)) throw invalidField('date', '不能早于今天');
    if (input.kind === 'extra' && input.capacity === undefined)
      throw new AppError('parameter_missing', '缺少参数: capacity（加诊须指定号源数）');
    const slot = { doctorId: input.doctorId, date: input.date, period: input.period };
    try {
      return await this.core.db.transaction().execute(async (trx) => {
        const counter = await this.schedules.lockCounter(slot, trx);
        if (await this.schedules.findException(slot, trx))
          throw new AppError('conflict', '该时段已有停诊或加诊设置，请先删除原设置');
        const exception = await this.schedules.insertException(
          {
            ...slot,
            kind: input.kind,
            capacity: input.kind === 'extra' ? (input.capacity ?? null) : null,
            reason: input.reason ?? null,
            createdBy: staff.id,
            now,
          },
          trx,
        );
        let affected: Awaited<ReturnType<AppointmentRepository['listBookedInSlot']>> = [];
        if (input.kind === 'cancelled') {
          affected = await this.appointments.listBookedInSlot(slot, trx);
          const reason = `医生停诊${input.reason ? `：${input.reason}` : ''}`;
          const cancelled = await this.appointments.cancelBooked(
            affected.map((row) => row.id),
            { type: 'staff', id: staff.id, reason },
            now,
            trx,
          );
          await this.schedules.releasePlaces(counter.id, cancelled, trx);
          const startTime = this.calendar.sessionStart(slot.date, slot.period);
          // Patients in the recycle bin are not written to.
          await this.notices.enqueue(
            trx,
            affected
              .filter((row) => row.deleted_at === null)
              .map((row) => ({
                event: 'session_stopped' as const,
                patientId: row.patient_id,
                appointmentId: row.id,
                ...slot,
                startTime,
                reason: input.reason ?? null,
                doctorName: doctor.name,
                departmentName: doctor.department_name,
              })),
          );
          await this.appointments.moveOrderTimeAfterCancel(
            [...new Set(affected.map((row) => row.patient_id))],
            startTime,
            now,
            trx,
          );
          // One event per booking too, so each appointment's history shows who cancelled it and why.
          await this.core.audit.recordMany(
            actor,
            affected.map((row) => ({
              action: 'appointment.cancel' as const,
              targetType: 'appointment',
              targetId: row.id,
              details: { patientId: row.patient_id, cancelledBy: 'staff', reason, sessionCancelled: true },
            })),
            trx,
          );
        }
        await this.core.audit.record(
          actor,
          {
            action: 'schedule.exception_add',
            targetType: 'doctor',
            targetId: input.doctorId,
            details: {
              exceptionId: exception.id,
              ...slot,
              kind: input.kind,
              capacity: exception.capacity,
              reason: input.reason ?? null,
              cancelledAppointmentIds: affected.map((row) => row.id),
            },
          },
          trx,
        );
        const visible = affected.filter((row) => seesBooking(staff.scope, row.author_id, input.doctorId));
        const affectedPatients: AffectedPatient[] = visible.map((row) => ({
          appointmentId: row.id,
          patientId: row.patient_id,
          name: row.patient_name,
          tel: row.patient_tel,
        }));
        return { exception, affectedCount: affected.length, affectedPatients };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('conflict', '该时段已有停诊或加诊设置，请先删除原设置');
      throw error;
    }
  }

  /** Removing a cancellation re-opens the session (cancelled bookings stay cancelled); removing an extra session keeps its bookings. */
  async removeException(doctorId: number, exceptionId: number, actor: AuditActor): Promise<void> {
    await this.core.db.transaction().execute(async (trx) => {
      const exception = await this.schedules.findExceptionById(doctorId, exceptionId, trx);
      if (!exception) throw new AppError('not_found', '停诊或加诊设置不存在');
      await this.schedules.deleteException(exceptionId, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'schedule.exception_remove',
          targetType: 'doctor',
          targetId: doctorId,
          details: { exceptionId, date: exception.session_date, period: exception.period, kind: exception.kind },
        },
        trx,
      );
    });
  }
}
