import type { Static } from 'typebox';
import type { AuditActor } from '../../domain/audit.js';
import { scopeOf } from '../../domain/patient-scope.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import type { VisiblePatients } from '../../domain/visible-patients.js';
import { AppError, invalidField } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import type { FollowUpRepository, FollowUpRow } from './repository.js';
import type { CreateFollowUpBody } from './schemas.js';

/** A contact is recorded after it happened; a little clock skew between devices is allowed. */
const FUTURE_TOLERANCE_SECONDS = 300;

/** Today's date (YYYY-MM-DD) in the clinic's calendar, which is what next_follow_up_date means. */
export function clinicToday(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export class FollowUpService {
  constructor(
    private readonly core: CoreServices,
    private readonly followUps: FollowUpRepository,
    private readonly patients: VisiblePatients,
  ) {}

  async create(
    staff: StaffPrincipal,
    patientId: number,
    input: Static<typeof CreateFollowUpBody>,
    actor: AuditActor,
    now: number,
  ): Promise<FollowUpRow> {
    const scope = scopeOf(staff);
    if (input.contact_time > now + FUTURE_TOLERANCE_SECONDS) {
      throw invalidField('contact_time', '回访时间不能晚于当前时间');
    }
    return this.core.db.transaction().execute(async (trx) => {
      if (!(await this.patients.includes(patientId, scope, trx))) throw new AppError('not_found');
      const row = await this.followUps.insert(
        {
          patientId,
          staffId: staff.id,
          contactTime: input.contact_time,
          way: input.way,
          content: input.content,
          nextFollowUpDate: input.next_follow_up_date ?? null,
          now,
        },
        trx,
      );
      // The content is health conversation: the audit names the event, not the words.
      await this.core.audit.record(
        actor,
        {
          action: 'patient.follow_up',
          targetType: 'patient',
          targetId: patientId,
          details: { followUpId: row.id, way: row.way, nextFollowUpDate: row.next_follow_up_date },
        },
        trx,
      );
      return { ...row, staff_name: staff.displayName };
    });
  }

  async timeline(staff: StaffPrincipal, patientId: number, paging: { page: number; pageSize: number }) {
    if (!(await this.patients.includes(patientId, scopeOf(staff)))) throw new AppError('not_found');
    return this.followUps.listForPatient(patientId, paging);
  }

  async due(staff: StaffPrincipal, paging: { page: number; pageSize: number }) {
    const today = clinicToday(this.core.config.clinicTimezone);
    const { rows, total } = await this.followUps.dueFor(staff.id, today, scopeOf(staff), paging);
    return { today, rows, total };
  }
}
