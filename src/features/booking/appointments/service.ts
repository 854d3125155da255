import { isUniqueViolation } from '../../../db/database.js';
import type { AppointmentSource, SessionPeriod } from '../../../db/schema.js';
import type { AuditActor } from '../../../domain/audit.js';
import {
  addDays,
  BOOKING_HORIZON_DAYS,
  type ClinicCalendar,
  isCalendarDate,
  weekdayOf,
} from '../../../domain/clinic-time/clinic-calendar.js';
import type { PatientNotices } from '../../../domain/patient-notices.js';
import type { PatientScope } from '../../../domain/patient-scope.js';
import { AppError, invalidField } from '../../../http/errors.js';
import type { CoreServices } from '../../../services.js';
import { recordArrival } from '../../visits/index.js';
import type { ScheduleRepository } from '../schedules/repository.js';
import { offerFor } from '../schedules/session-calendar.js';
import type { AppointmentRepository, OwnedAppointmentRow } from './repository.js';

export interface BookingRequest {
  patientId: number;
  doctorId: number;
  date: string;
  period: SessionPeriod;
  source: AppointmentSource;
  /** Staff user booking on the patient's behalf; null for the patient themself. */
  bookedBy: number | null;
  /** 就诊原因, for the doctor; blank is none. */
  visitReason?: string | null;
}

const LIST_LIMIT = 200;
const alreadyBooked = () => new AppError('conflict', '您在该日期该时段已有预约，不能重复预约');

/**
 * Booking rules shared by the portal and the staff: one path, so both get the same
 * refusals and the same no-overbooking guarantee.
 */
export class AppointmentService {
  constructor(
    private readonly core: CoreServices,
    private readonly appointments: AppointmentRepository,
    private readonly schedules: ScheduleRepository,
    readonly calendar: ClinicCalendar,
    /** The outbox: each booking and cancellation tells the patient, in its own transaction. */
    private readonly notices: PatientNotices,
  ) {}

  /**
   * Refusals: unknown/inactive doctor 404; not a real date, a started session, beyond the
   * horizon or a session the doctor does not hold 400; a cancelled session, a full session
   * or a second live booking of the patient in that date and period 409.
   */
  async book(request: BookingRequest, actor: AuditActor, now: number): Promise<number> {
    if (!isCalendarDate(request.date)) throw invalidField('date', '须为真实日期 YYYY-MM-DD');
    const doctor = await this.schedules.findDoctor(request.doctorId);
    if (doctor?.is_active !== 1) throw new AppError('not_found', '医生不存在或已停诊');
    const startTime = this.calendar.sessionStart(request.date, request.period);
    if (startTime <= now)
      throw new AppError('invalid_value', '该时段已开始或已过去，不能预约', { extra: { field: 'date' } });
    const lastDate = addDays(this.calendar.dateAt(now), BOOKING_HORIZON_DAYS);
    if (request.date > lastDate) {
      throw new AppError('invalid_value', `只能预约 ${BOOKING_HORIZON_DAYS} 天内（${lastDate} 及以前）的号源`, {
        extra: { field: 'date' },
      });
    }
    const slot = { doctorId: request.doctorId, date: request.date, period: request.period };
    try {
      return await this.core.db.transaction().execute(async (trx) => {
        // Lock first, then read the schedule: a concurrent session cancellation is seen.
        const counter = await this.schedules.lockCounter(slot, trx);
        const offer = offerFor(
          await this.schedules.findWeekly(slot.doctorId, weekdayOf(slot.date), slot.period, trx),
          await this.schedules.findException(slot, trx),
        );
        if (!offer.offered && offer.reason === 'cancelled')
          throw new AppError('conflict', '该时段医生已停诊，请选择其他时段');
        if (!offer.offered) throw new AppError('invalid_value', '医生该时段不出诊', { extra: { field: 'period' } });
        if (await this.appointments.findLiveInPatientSlot(request.patientId, slot.date, slot.period, trx))
          throw alreadyBooked();
        if (!(await this.schedules.takePlace(counter.id, offer.capacity, trx)))
          throw new AppError('conflict', '该时段号源已满，请选择其他时段');
        const { id } = await this.appointments.insert(
          {
            ...slot,
            patientId: request.patientId,
            startTime,
            source: request.source,
            bookedBy: request.bookedBy,
            visitReason: request.visitReason?.trim() || null,
            now,
          },
          trx,
        );
        await this.notices.enqueue(trx, [
          {
            event: 'booking_confirmed',
            patientId: request.patientId,
            appointmentId: id,
            ...slot,
            startTime,
            doctorName: doctor.name,
            departmentName: doctor.department_name,
          },
        ]);
        await this.appointments.fillPoolRecord(request.patientId, startTime, request.doctorId, now, trx);
        await this.core.audit.record(
          actor,
          {
            action: 'appointment.book',
            targetType: 'appointment',
            targetId: id,
            details: {
              patientId: request.patientId,
              doctorId: slot.doctorId,
              date: slot.date,
              period: slot.period,
              source: request.source,
            },
          },
          trx,
        );
        return id;
      });
    } catch (error) {
      // The partial unique index is the backstop for two racing bookings of one patient.
      if (isUniqueViolation(error)) throw alreadyBooked();
      throw error;
    }
  }

  /** The patient's deadline (BOOKING_CANCEL_CUTOFF) for a session date. */
  cancelDeadline(date: string): number {
    return this.calendar.cancelDeadline(date, this.core.config.bookingCancelCutoff);
  }

  async cancelOwn(
    patientId: number,
    appointmentId: number,
    actor: AuditActor,
    now: number,
  ): Promise<OwnedAppointmentRow> {
    const appointment = await this.appointments.findOwned(appointmentId, patientId);
    if (!appointment) throw new AppError('not_found', '预约不存在');
    if (appointment.status !== 'booked') throw new AppError('conflict', '该预约已取消或已结束，不能取消');
    const deadline = this.cancelDeadline(appointment.session_date);
    if (now > deadline) {
      throw new AppError('conflict', `已过取消截止时间（${this.formatClinicTime(deadline)}），如需取消请联系诊所`, {
        extra: { cancel_deadline: deadline },
      });
    }
    await this.cancel(appointment, { type: 'patient', id: patientId, reason: null }, actor, now);
    return (await this.appointments.findOwned(appointmentId, patientId))!;
  }

  /** Staff cancel: no cutoff, a reason is required. Scope is checked here. */
  async cancelAsStaff(
    appointmentId: number,
    scope: PatientScope,
    staffId: number,
    reason: string,
    actor: AuditActor,
    now: number,
  ) {
    const appointment = await this.appointments.findInScope(appointmentId, scope);
    if (!appointment) throw new AppError('not_found', '预约不存在');
    if (appointment.status !== 'booked') throw new AppError('conflict', '该预约已取消或已结束，不能取消');
    await this.cancel(appointment, { type: 'staff', id: staffId, reason }, actor, now);
    return (await this.appointments.findInScope(appointmentId, scope))!;
  }

  private async cancel(
    appointment: {
      id: number;
      patient_id: number;
      doctor_id: number;
      session_date: string;
      period: SessionPeriod;
      start_time: number;
      doctor_name: string;
      department_name: string | null;
    },
    by: { type: 'patient' | 'staff'; id: number; reason: string | null },
    actor: AuditActor,
    now: number,
  ): Promise<void> {
    await this.core.db.transaction().execute(async (trx) => {
      // Same lock order as booking (counter, then appointment): no deadlock between them.
      const counter = await this.schedules.lockCounter(
        { doctorId: appointment.doctor_id, date: appointment.session_date, period: appointment.period },
        trx,
      );
      const changed = await this.appointments.cancelBooked([appointment.id], by, now, trx);
      if (changed === 0) throw new AppError('conflict', '该预约已取消或已结束，不能取消');
      await this.notices.enqueue(trx, [
        {
          event: 'booking_cancelled',
          patientId: appointment.patient_id,
          appointmentId: appointment.id,
          doctorId: appointment.doctor_id,
          date: appointment.session_date,
          period: appointment.period,
          startTime: appointment.start_time,
          reason: by.reason,
          doctorName: appointment.doctor_name,
          departmentName: appointment.department_name,
        },
      ]);
      await this.schedules.releasePlaces(counter.id, 1, trx);
      await this.appointments.moveOrderTimeAfterCancel([appointment.patient_id], appointment.start_time, now, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'appointment.cancel',
          targetType: 'appointment',
          targetId: appointment.id,
          details: { patientId: appointment.patient_id, cancelledBy: by.type, reason: by.reason },
        },
        trx,
      );
    });
  }

  /** Arrival from the session date on; recorded through the one arrival rule (visit, pool state, audit). */
  async markArrived(
    appointmentId: number,
    scope: PatientScope,
    staffId: number,
    input: { spendFen?: number; notes?: string | null },
    actor: AuditActor,
    now: number,
  ) {
    const appointment = await this.appointments.findInScope(appointmentId, scope);
    if (!appointment) throw new AppError('not_found', '预约不存在');
    if (appointment.status !== 'booked') throw new AppError('conflict', '该预约已取消或已结束');
    if (appointment.session_date > this.calendar.dateAt(now))
      throw new AppError('conflict', '未到就诊日期，不能确认到诊');
    await this.core.db.transaction().execute(async (trx) => {
      if (!(await this.appointments.closeBooked(appointment.id, 'arrived', null, now, trx)))
        throw new AppError('conflict', '该预约已取消或已结束');
      const visit = await recordArrival(
        trx,
        this.core.audit,
        actor,
        {
          patientId: appointment.patient_id,
          visitTime: now,
          doctorId: appointment.doctor_id,
          appointmentId: appointment.id,
          spendFen: input.spendFen,
          notes: input.notes ?? null,
          recordedBy: staffId,
        },
        now,
      );
      await this.appointments.linkVisit(appointment.id, visit.id, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'appointment.arrive',
          targetType: 'appointment',
          targetId: appointment.id,
          details: { patientId: appointment.patient_id, visitId: visit.id },
        },
        trx,
      );
    });
    return (await this.appointments.findInScope(appointmentId, scope))!;
  }

  /** Missed (爽约): only once the session has started. The place stays used. */
  async markMissed(appointmentId: number, scope: PatientScope, actor: AuditActor, now: number) {
    const appointment = await this.appointments.findInScope(appointmentId, scope);
    if (!appointment) throw new AppError('not_found', '预约不存在');
    if (appointment.status !== 'booked') throw new AppError('conflict', '该预约已取消或已结束');
    if (appointment.start_time > now) throw new AppError('conflict', '就诊时段尚未开始，不能标记爽约');
    await this.core.db.transaction().execute(async (trx) => {
      if (!(await this.appointments.closeBooked(appointment.id, 'missed', null, now, trx)))
        throw new AppError('conflict', '该预约已取消或已结束');
      await this.core.audit.record(
        actor,
        {
          action: 'appointment.miss',
          targetType: 'appointment',
          targetId: appointment.id,
          details: { patientId: appointment.patient_id },
        },
        trx,
      );
    });
    return (await this.appointments.findInScope(appointmentId, scope))!;
  }

  /** Seen by the doctor (已诊): an arrived appointment, once. The status stays arrived. */
  async markSeen(appointmentId: number, scope: PatientScope, actor: AuditActor, now: number) {
    const appointment = await this.appointments.findInScope(appointmentId, scope);
    if (!appointment) throw new AppError('not_found', '预约不存在');
    await this.core.db.transaction().execute(async (trx) => {
      if (!(await this.appointments.markSeen(appointment.id, now, trx)))
        throw new AppError('conflict', '患者尚未到诊，或已标记为已诊');
      await this.core.audit.record(
        actor,
        {
          action: 'appointment.seen',
          targetType: 'appointment',
          targetId: appointment.id,
          details: { patientId: appointment.patient_id, visitId: appointment.visit_id },
        },
        trx,
      );
    });
    return (await this.appointments.findInScope(appointmentId, scope))!;
  }

  listOwn(patientId: number) {
    return this.appointments.listOwned(patientId, LIST_LIMIT);
  }

  async findOwn(patientId: number, appointmentId: number) {
    const row = await this.appointments.findOwned(appointmentId, patientId);
    if (!row) throw new AppError('not_found', '预约不存在');
    return row;
  }

  async findInScope(appointmentId: number, scope: PatientScope) {
    const row = await this.appointments.findInScope(appointmentId, scope);
    if (!row) throw new AppError('not_found', '预约不存在');
    return row;
  }

  async listForPatient(patientId: number, scope: PatientScope) {
    if (!(await this.appointments.findPatientInScope(patientId, scope))) throw new AppError('not_found', '患者不存在');
    return this.appointments.listForPatientInScope(patientId, scope, LIST_LIMIT);
  }

  async assertPatientInScope(patientId: number, scope: PatientScope): Promise<void> {
    if (!(await this.appointments.findPatientInScope(patientId, scope))) throw new AppError('not_found', '患者不存在');
  }

  formatClinicTime(unixSeconds: number): string {
    const date = this.calendar.dateAt(unixSeconds);
    const minutes = Math.round((unixSeconds - this.calendar.instantOnDate(date, 0)) / 60);
    return `${date} ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  }
}
