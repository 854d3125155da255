import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AppointmentRepository } from './appointments/repository.js';
import type { ScheduleRepository } from './schedules/repository.js';

/**
 * What booking offers the patient record: a purged patient's bookings go, and their places are
 * free again; a provisional record's bookings move to the record its account is verified into.
 */
export class PatientBookings {
  constructor(
    private readonly appointments: AppointmentRepository,
    private readonly schedules: ScheduleRepository,
  ) {}

  /** In the purge's transaction: releases the places still booked, then deletes every appointment of the patient. */
  async removeAllOf(
    patientId: number,
    trx: Transaction<Database>,
  ): Promise<{ appointmentsDeleted: number; placesReleased: number }> {
    let placesReleased = 0;
    for (const slot of await this.appointments.bookedSlotsOf(patientId, trx)) {
      const counter = await this.schedules.lockCounter(slot, trx);
      await this.schedules.releasePlaces(counter.id, slot.places, trx);
      placesReleased += slot.places;
    }
    const appointmentsDeleted = await this.appointments.deleteAllOf(patientId, trx);
    return { appointmentsDeleted, placesReleased };
  }

  /**
   * In a claim's transaction: the bookings of `fromPatientId` not tied to a visit move to
   * `toPatientId`. A live one in a date and period where the target already holds a live booking
   * is cancelled instead (one booking per patient per half-day), its place released.
   */
  async transferTo(
    fromPatientId: number,
    toPatientId: number,
    now: number,
    trx: Transaction<Database>,
  ): Promise<{ moved: number; cancelledAsDuplicates: number }> {
    const movable = await this.appointments.movableOf(fromPatientId, trx);
    const move: number[] = [];
    let cancelledAsDuplicates = 0;
    for (const appointment of movable) {
      const live = appointment.status !== 'cancelled';
      const clash =
        live &&
        (await this.appointments.findLiveInPatientSlot(toPatientId, appointment.session_date, appointment.period, trx));
      if (!clash) {
        move.push(appointment.id);
        continue;
      }
      const slot = { doctorId: appointment.doctor_id, date: appointment.session_date, period: appointment.period };
      const counter = await this.schedules.lockCounter(slot, trx);
      const reason = '与已有预约重复（认领合并档案）';
      if (appointment.status === 'booked') {
        await this.appointments.cancelBooked([appointment.id], { type: 'patient', id: toPatientId, reason }, now, trx);
        await this.schedules.releasePlaces(counter.id, 1, trx);
        cancelledAsDuplicates += 1;
      }
      // A missed one clashing with the target's stays with the provisional record.
    }
    await this.appointments.reassign(move, toPatientId, now, trx);
    if (move.length > 0) await this.appointments.refreshPoolRecord(toPatientId, now, trx);
    return { moved: move.length, cancelledAsDuplicates };
  }
}
