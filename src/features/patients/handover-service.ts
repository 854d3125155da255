import type { AuditActor } from '../../domain/audit.js';
import type { PatientListFilters } from '../../domain/patient-filters.js';
import { phoneVisibilityOf, scopeOf } from '../../domain/patient-scope.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { AppError, invalidField } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import type { HandoverRepository, HandoverSelection } from './handover-repository.js';
import type { PhoneLookups } from './phone-lookups.js';

/** The audit event and the answer name at most this many of the moved patients' ids. */
export const HANDOVER_IDS_LISTED = 200;

export interface HandoverRequest {
  toStaffId: number;
  patientIds?: number[];
  filters: PatientListFilters;
  /** The number of patients the caller was shown: a different count refuses the move (409). */
  expectedCount?: number;
}

const hasAnyFilter = (filters: PatientListFilters) =>
  Object.values(filters).some((value) => value !== undefined && value !== '');

/** 移交: one patient, a filtered set, or all of a consultant's patients to another consultant. */
export class HandoverService {
  constructor(
    private readonly core: CoreServices,
    private readonly handovers: HandoverRepository,
    private readonly phoneLookups: PhoneLookups,
  ) {}

  async handover(staff: StaffPrincipal, request: HandoverRequest, actor: AuditActor, now: number) {
    const byIds = request.patientIds !== undefined;
    const filtered = hasAnyFilter(request.filters);
    if (byIds === filtered) {
      throw new AppError('parameter_missing', '请指定 patient_ids，或至少一个筛选条件（与客户列表相同），二者选一');
    }
    const uniqueIds = [...new Set(request.patientIds ?? [])];
    const selection: HandoverSelection = byIds ? { patientIds: uniqueIds } : { filters: request.filters };
    const scope = scopeOf(staff);
    // A whole phone number as the keyword is a lookup for a caller who sees phones masked, as in the list.
    if (!byIds) await this.phoneLookups.reserveKeyword(staff, actor, request.filters.keyword, 'list', now);
    return this.core.db.transaction().execute(async (trx) => {
      const target = await this.handovers.findStaff(request.toStaffId, trx);
      if (target?.is_active !== 1) throw invalidField('to_staff_id', '员工不存在或已停用');
      const matched = await this.handovers.move(scope, selection, target.id, phoneVisibilityOf(staff), now, trx);
      if (request.expectedCount !== undefined && matched.length !== request.expectedCount) {
        throw new AppError(
          'conflict',
          `符合条件的客户现有 ${matched.length} 位，与确认时的 ${request.expectedCount} 位不同，未移交`,
          {
            extra: { matched: matched.length },
          },
        );
      }
      const moved = matched.filter((patient) => patient.fromAuthor !== target.id);
      const fromCounts = new Map<number | null, number>();
      for (const patient of moved) fromCounts.set(patient.fromAuthor, (fromCounts.get(patient.fromAuthor) ?? 0) + 1);
      const names = await this.handovers.staffNames(
        [...fromCounts.keys()].filter((id): id is number => id !== null),
        trx,
      );
      const from = [...fromCounts.entries()]
        .map(([staffId, count]) => ({
          staffId: staffId === null ? null : String(staffId),
          name: staffId === null ? null : (names.get(staffId) ?? null),
          count,
        }))
        .sort((a, b) => b.count - a.count);
      const ids = moved.map((patient) => patient.id).sort((a, b) => a - b);
      const listed = ids.slice(0, HANDOVER_IDS_LISTED);
      await this.core.audit.record(
        actor,
        {
          action: 'patient.handover',
          targetType: 'staff_user',
          targetId: target.id,
          details: {
            toStaffId: target.id,
            matched: matched.length,
            moved: moved.length,
            from: from.map(({ staffId, count }) => ({ staffId, count })),
            selection: byIds ? { patientIds: uniqueIds.length } : { filters: describeFilters(request.filters) },
            ids: listed,
            idsTruncated: ids.length > listed.length,
          },
        },
        trx,
      );
      return {
        matched: matched.length,
        moved: moved.length,
        toStaffId: String(target.id),
        toStaffName: target.display_name,
        from,
        ids: listed.map(String),
        idsTruncated: ids.length > listed.length,
      };
    });
  }
}

/** The filters as given, for the audit: the keyword is named, not copied (it may be a phone number). */
function describeFilters(filters: PatientListFilters): Record<string, unknown> {
  const given = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));
  if ('keyword' in given) given.keyword = '(given)';
  return given;
}
