import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AppointmentRepository } from './appointments/repository.js';
import type { ScheduleRepository } from './schedules/repository.js';

/** What booking offers the patient record: a purged patient's bookings go, and their places are free again. */
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
}
