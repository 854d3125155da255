import type { AuditActor } from '../../domain/audit.js';
import { scopeOf } from '../../domain/patient-scope.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import type { VisiblePatients } from '../../domain/visible-patients.js';
import { AppError, invalidField } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import type { ReferenceRepository } from '../catalogs/index.js';
import { recordArrival } from './record-arrival.js';
import type { VisitRepository } from './repository.js';

/** Arrivals confirmed on the pool record, and the visit history, both within the caller's scope. */
export class ArrivalService {
  constructor(
    private readonly core: CoreServices,
    private readonly visits: VisitRepository,
    private readonly references: ReferenceRepository,
    private readonly patients: VisiblePatients,
  ) {}

  async confirm(
    staff: StaffPrincipal,
    patientId: number,
    input: { visitTime: number; doctorId: number | null; spendFen: number },
    actor: AuditActor,
    now: number,
  ) {
    const scope = scopeOf(staff);
    return this.core.db.transaction().execute(async (trx) => {
      if (!(await this.patients.includes(patientId, scope, trx))) throw new AppError('not_found');
      if (input.doctorId !== null && !(await this.references.isActive('doctors', input.doctorId, trx))) {
        throw invalidField('doctor_id', '不存在或已停用');
      }
      const recorded = await recordArrival(
        trx,
        this.core.audit,
        actor,
        {
          patientId,
          visitTime: input.visitTime,
          doctorId: input.doctorId,
          spendFen: input.spendFen,
          recordedBy: staff.id,
        },
        now,
      );
      return this.visits.findWithNames(recorded.id, trx);
    });
  }

  async history(staff: StaffPrincipal, patientId: number) {
    if (!(await this.patients.includes(patientId, scopeOf(staff)))) throw new AppError('not_found');
    return this.visits.listForPatient(patientId);
  }
}
