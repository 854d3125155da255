import { isForeignKeyViolation } from '../../db/database.js';
import type { AuditActor } from '../../domain/audit.js';
import { phoneVisibilityOf, scopeOf } from '../../domain/patient-scope.js';
import { isWholePhoneNumber, maskPhone } from '../../domain/phone.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { AppError } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import type { PatientBookings } from '../booking/index.js';
import type { PhoneLookups } from './phone-lookups.js';
import type { PatientRecordRepository } from './record-repository.js';
import type { DuplicateProbe, PatientRepository } from './repository.js';

const DUPLICATES_LISTED = 50;

/** One pool record: the audited detail read, the duplicate report, and the recycle bin. */
export class PatientRecordService {
  constructor(
    private readonly core: CoreServices,
    private readonly patients: PatientRepository,
    private readonly records: PatientRecordRepository,
    private readonly bookings: PatientBookings,
    private readonly phoneLookups: PhoneLookups,
  ) {}

  /** Reading a patient's record is access to health data: every successful read is audited. */
  async detail(staff: StaffPrincipal, id: number, actor: AuditActor) {
    const row = await this.records.findDetail(id, scopeOf(staff));
    if (!row) throw new AppError('not_found');
    await this.core.audit.record(actor, { action: 'patient.read', targetType: 'patient', targetId: id });
    return row;
  }

  /**
   * Without the full-phone permission a tel matches by its whole number (a counted lookup) or as
   * it is shown (139****8442), like the list's keyword.
   */
  async duplicates(staff: StaffPrincipal, probe: DuplicateProbe, actor: AuditActor, now: number) {
    const scope = scopeOf(staff);
    if (Object.values(probe).every((value) => value === undefined)) {
      throw new AppError('parameter_missing', '缺少参数: tel、wechat、qq、name 至少提供一个');
    }
    const phones = phoneVisibilityOf(staff);
    if (probe.tel !== undefined && isWholePhoneNumber(probe.tel)) {
      await this.phoneLookups.reserve(staff, actor, { purpose: 'duplicates', tels: [probe.tel] }, now);
    }
    const { rows, total } = await this.patients.duplicates(probe, scope, DUPLICATES_LISTED, phones);
    const telMatches = (tel: string | null) =>
      tel !== null &&
      (tel === probe.tel || (phones === 'masked' && !isWholePhoneNumber(probe.tel!) && maskPhone(tel) === probe.tel));
    return {
      total,
      rows: rows.map((row) => ({
        row,
        matchedOn: (['tel', 'wechat', 'qq', 'name'] as const).filter(
          (field) =>
            probe[field] !== undefined && (field === 'tel' ? telMatches(row.tel) : row[field] === probe[field]),
        ),
      })),
    };
  }

  async softDelete(
    staff: StaffPrincipal,
    id: number,
    actor: AuditActor,
    now: number,
  ): Promise<{ id: number; deletedAt: number }> {
    const scope = scopeOf(staff);
    return this.core.db.transaction().execute(async (trx) => {
      const row = await this.records.findLive(id, scope, trx);
      if (!row) throw new AppError('not_found');
      await this.records.update(id, { deleted_at: now, deleted_by: staff.id, updated_at: now }, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'patient.delete',
          targetType: 'patient',
          targetId: id,
          details: { tel: row.tel && maskPhone(row.tel) },
        },
        trx,
      );
      return { id, deletedAt: now };
    });
  }

  recycleBin(staff: StaffPrincipal, paging: { page: number; pageSize: number }) {
    return this.records.listDeleted(scopeOf(staff), paging);
  }

  async restore(staff: StaffPrincipal, id: number, actor: AuditActor, now: number) {
    const scope = scopeOf(staff);
    return this.core.db.transaction().execute(async (trx) => {
      const row = await this.records.findDeleted(id, scope, trx);
      if (!row) throw new AppError('not_found');
      await this.records.update(id, { deleted_at: null, deleted_by: null, updated_at: now }, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'patient.restore',
          targetType: 'patient',
          targetId: id,
          details: { deletedAt: row.deleted_at, deletedBy: row.deleted_by },
        },
        trx,
      );
      const restored = await this.records.findDetail(id, scope, trx);
      if (!restored) throw new AppError('not_found');
      return restored;
    });
  }

  /**
   * Only a record already in the recycle bin can be purged: deleting is always two steps.
   * Purging removes the person's appointments too; places they still held go back to their
   * sessions (counter locked first, the booking path's lock order).
   */
  async purge(staff: StaffPrincipal, id: number, actor: AuditActor) {
    const scope = scopeOf(staff);
    try {
      return await this.core.db.transaction().execute(async (trx) => {
        const row = await this.records.findDeleted(id, scope, trx);
        if (!row) throw new AppError('not_found', '回收站中没有该客户');
        // Before the visits: an arrived appointment points at its visit.
        const bookings = await this.bookings.removeAllOf(id, trx);
        const removed = { ...(await this.records.purge(id, trx)), ...bookings };
        await this.core.audit.record(
          actor,
          {
            action: 'patient.purge',
            targetType: 'patient',
            targetId: id,
            details: { tel: row.tel && maskPhone(row.tel), ...removed },
          },
          trx,
        );
        return { id, ...removed };
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new AppError('conflict', '该客户仍有关联记录，无法彻底删除');
      throw error;
    }
  }
}
