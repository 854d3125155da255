import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AuditActor, AuditRepository } from '../../domain/audit.js';
import { AppError, invalidField } from '../../http/errors.js';
import { VisitRepository } from './repository.js';

export interface ArrivalInput {
  patientId: number;
  visitTime: number;
  doctorId?: number | null;
  spendFen?: number;
  appointmentId?: number | null;
  notes?: string | null;
  recordedBy: number | null;
}

/**
 * The one way an arrival is recorded, whether the front desk confirms it on the pool
 * record or on an appointment: a visit row (first or return), the pool record's state,
 * reach_time and counters, and the audit event, all in the caller's transaction.
 * Permission and scope checks are the caller's; this enforces the workflow rules.
 */
export async function recordArrival(
  trx: Transaction<Database>,
  audit: AuditRepository,
  actor: AuditActor,
  input: ArrivalInput,
  now: number,
) {
  const visits = new VisitRepository(trx);
  const patient = await visits.findPatientForArrival(input.patientId, trx);
  if (!patient || patient.deleted_at !== null) throw new AppError('not_found');
  if (input.visitTime < patient.add_time) {
    throw invalidField('reach_time', '到诊时间不能早于登记时间');
  }
  const spendFen = input.spendFen ?? 0;
  const visit = await visits.insertVisit(
    {
      patientId: input.patientId,
      doctorId: input.doctorId ?? patient.doctor_id,
      visitTime: input.visitTime,
      isFirstVisit: patient.visit_count === 0,
      spendFen,
      appointmentId: input.appointmentId ?? null,
      notes: input.notes ?? null,
      recordedBy: input.recordedBy,
      now,
    },
    trx,
  );
  await visits.markArrived(input.patientId, input.visitTime, spendFen, now, trx);
  await audit.record(
    actor,
    {
      action: 'patient.arrival',
      targetType: 'patient',
      targetId: input.patientId,
      details: {
        visitId: visit.id,
        firstVisit: visit.is_first_visit === 1,
        appointmentId: visit.appointment_id,
        spendFen,
      },
    },
    trx,
  );
  return visit;
}
