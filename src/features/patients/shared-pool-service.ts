import type { FastifyBaseLogger } from 'fastify';
import type { AuditActor } from '../../domain/audit.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { AppError } from '../../http/errors.js';
import { type BackgroundJob, periodicJob } from '../../jobs.js';
import type { CoreServices } from '../../services.js';
import { HANDOVER_IDS_LISTED } from './handover-service.js';
import type { PatientRecordRepository } from './record-repository.js';
import type { SharedPoolRepository } from './shared-pool-repository.js';

const DAY_SECONDS = 86_400;
const HOUR_MS = 3_600_000;
const SYSTEM: AuditActor = { type: 'system', id: null, ip: null, userAgent: null, requestId: null };

/** 公海: the pool's list, claims, and the POOL_RETURN_DAYS rule that fills it. */
export class SharedPoolService {
  constructor(
    private readonly core: CoreServices,
    private readonly pool: SharedPoolRepository,
    private readonly records: PatientRecordRepository,
    /** POOL_RETURN_DAYS (0: the return rule is off), told with the list so a screen can say so. */
    readonly returnDays = 0,
  ) {}

  list(filters: { mediaFromId?: number; state?: number }, paging: { page: number; pageSize: number }) {
    return this.pool.list(filters, paging);
  }

  /** The caller takes a patient from the pool; of concurrent claims one wins, the others get 409. */
  async claim(staff: StaffPrincipal, patientId: number, actor: AuditActor, now: number) {
    return this.core.db.transaction().execute(async (trx) => {
      if (!(await this.pool.claim(patientId, staff.id, now, trx))) {
        if (!(await this.pool.isLive(patientId, trx))) throw new AppError('not_found');
        throw new AppError('conflict', '该客户已不在公海（已被认领或已分配）');
      }
      await this.core.audit.record(
        actor,
        { action: 'patient.pool_claim', targetType: 'patient', targetId: patientId, details: { claimedBy: staff.id } },
        trx,
      );
      const detail = await this.records.findDetail(patientId, { kind: 'own', authorId: staff.id }, trx);
      if (!detail) throw new AppError('not_found');
      return detail;
    });
  }

  /**
   * Returns to the pool the consultants' patients idle for `days` (see the repository), in one
   * statement, audited as one system event with the count per consultant and the ids (capped).
   */
  async returnIdle(days: number, now: number): Promise<number> {
    return this.core.db.transaction().execute(async (trx) => {
      const returned = await this.pool.returnIdle(now - days * DAY_SECONDS, now, trx);
      if (returned.length === 0) return 0;
      const byConsultant: Record<string, number> = {};
      for (const patient of returned) byConsultant[patient.fromAuthor] = (byConsultant[patient.fromAuthor] ?? 0) + 1;
      const ids = returned.map((patient) => patient.id).sort((a, b) => a - b);
      await this.core.audit.record(
        SYSTEM,
        {
          action: 'patient.pool_return',
          targetType: 'patient',
          details: {
            days,
            count: ids.length,
            byConsultant,
            ids: ids.slice(0, HANDOVER_IDS_LISTED),
            idsTruncated: ids.length > HANDOVER_IDS_LISTED,
          },
        },
        trx,
      );
      return ids.length;
    });
  }
}

/** The rule's job, when POOL_RETURN_DAYS is set: at start and every hour, on every instance (the UPDATE is idempotent). */
export function sharedPoolJobs(pool: SharedPoolService, days: number, log: FastifyBaseLogger): BackgroundJob[] {
  if (days <= 0) return [];
  return [
    periodicJob('shared-pool', HOUR_MS, [{ name: 'returnedToPool', run: (now) => pool.returnIdle(days, now) }], log),
  ];
}
