import type { Transaction } from 'kysely';
import type { Static } from 'typebox';
import { isUniqueViolation } from '../../db/database.js';
import type { Database, PatientRow, PatientUpdate } from '../../db/schema.js';
import type { AuditActor } from '../../domain/audit.js';
import { fenToYuan, yuanToFen } from '../../domain/money.js';
import { scopeOf } from '../../domain/patient-scope.js';
import type { PermissionKey } from '../../domain/permissions.js';
import { maskPhone } from '../../domain/phone.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { AppError, invalidField } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import type { ReferenceRepository, ReferenceTable } from '../catalogs/index.js';
import { recordArrival } from '../visits/index.js';
import type { PhoneLookups } from './phone-lookups.js';
import type { PatientDetailRow, PatientRecordRepository } from './record-repository.js';
import type { UpdatePatientBody } from './record-schemas.js';

type UpdateInput = Static<typeof UpdatePatientBody>;
type UpdateField = Exclude<keyof UpdateInput, 'token'>;

/** Plain columns: what the field is called on the wire is its column name. */
const PLAIN_FIELD_PERMISSION = {
  name: 'patients:edit',
  sex: 'patients:edit',
  age: 'patients:edit',
  tel: 'patients:edit',
  wechat: 'patients:edit',
  qq: 'patients:edit',
  area: 'patients:edit',
  remarks: 'patients:edit',
  advisory_way: 'patients:edit',
  advisory_content: 'patients:edit',
  add_time: 'patients:edit',
  order_time: 'patients:edit',
  doctor_id: 'patients:change_doctor',
  media_from_id: 'patients:change_channel',
  disease_id: 'patients:change_disease',
} as const satisfies Partial<Record<UpdateField, PermissionKey>>;
type PlainField = keyof typeof PLAIN_FIELD_PERMISSION;

const isPlainField = (field: UpdateField): field is PlainField => field in PLAIN_FIELD_PERMISSION;

/**
 * State 1 (已到) is an arrival, gated like reach_time by confirm_arrival (the front desk
 * holds it without change_state); 0 and 2 are state changes.
 */
function permissionFor(field: UpdateField, input: UpdateInput): PermissionKey {
  if (isPlainField(field)) return PLAIN_FIELD_PERMISSION[field];
  if (field === 'state') return input.state === 1 ? 'patients:confirm_arrival' : 'patients:change_state';
  if (field === 'reach_time') return 'patients:confirm_arrival';
  return 'patients:edit_spend';
}

const references: { field: 'disease_id' | 'media_from_id' | 'doctor_id'; table: ReferenceTable }[] = [
  { field: 'disease_id', table: 'diseases' },
  { field: 'media_from_id', table: 'channels' },
  { field: 'doctor_id', table: 'doctors' },
];

/** The fields whose value differs from the record: only those are gated, written and audited. */
function changedFields(before: PatientRow, input: UpdateInput): UpdateField[] {
  const fields = (Object.keys(input) as (keyof UpdateInput)[]).filter(
    (key): key is UpdateField => key !== 'token' && input[key] !== undefined,
  );
  return fields.filter((field) => {
    if (field === 'spend') return yuanToFen(input.spend as string) !== before.spend_fen;
    return before[field] !== input[field];
  });
}

/** Audit details: before/after per field, phones masked, free text named but not copied. */
function describeChanges(before: PatientRow, input: UpdateInput, changed: UpdateField[]) {
  const details: Record<string, unknown> = {};
  for (const field of changed) {
    if (field === 'tel')
      details.tel = { before: before.tel && maskPhone(before.tel), after: input.tel && maskPhone(input.tel) };
    else if (field === 'advisory_content' || field === 'remarks') details[field] = { changed: true };
    else if (field === 'spend')
      details.spend = { before: fenToYuan(before.spend_fen), after: fenToYuan(yuanToFen(input.spend as string)) };
    else details[field] = { before: before[field], after: input[field] };
  }
  return details;
}

export class PatientUpdateService {
  constructor(
    private readonly core: CoreServices,
    private readonly records: PatientRecordRepository,
    private readonly references: ReferenceRepository,
    private readonly phoneLookups: PhoneLookups,
  ) {}

  async update(
    staff: StaffPrincipal,
    id: number,
    input: UpdateInput,
    actor: AuditActor,
    now: number,
  ): Promise<PatientDetailRow> {
    const scope = scopeOf(staff);
    if (!(Object.keys(input) as (keyof UpdateInput)[]).some((key) => key !== 'token' && input[key] !== undefined)) {
      throw new AppError('parameter_missing', '缺少参数: 至少提供一个要修改的字段');
    }
    // For a masked caller a new tel is a lookup: whether it is unchanged, or held by another portal
    // account (409), tells about a number the caller cannot see. Counted before the transaction, so
    // the count stands when the edit is refused.
    if (typeof input.tel === 'string' && staff.permissions.has(PLAIN_FIELD_PERMISSION.tel)) {
      await this.phoneLookups.reserve(staff, actor, { purpose: 'update', tels: [input.tel], targetId: id }, now);
    }
    try {
      return await this.core.db.transaction().execute(async (trx) => {
        const before = await this.records.findLive(id, scope, trx);
        if (!before) throw new AppError('not_found');
        const changed = changedFields(before, input);
        const denied = changed.filter((field) => !staff.permissions.has(permissionFor(field, input)));
        if (denied.length > 0) {
          throw new AppError('permission_denied', `没有权限修改: ${denied.join(', ')}`, {
            extra: { field: denied[0], fields: denied },
          });
        }
        if (changed.length > 0) await this.apply(staff, before, input, changed, actor, now, trx);
        const detail = await this.records.findDetail(id, scope, trx);
        if (!detail) throw new AppError('not_found');
        return detail;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('conflict', '该手机号已被其他患者端账号使用', { extra: { field: 'tel' } });
      throw error;
    }
  }

  private async apply(
    staff: StaffPrincipal,
    before: PatientRow,
    input: UpdateInput,
    changed: UpdateField[],
    actor: AuditActor,
    now: number,
    trx: Transaction<Database>,
  ): Promise<void> {
    const arrivalTime = this.arrivalTime(before, input, changed, now);
    await this.validate(before, input, changed, arrivalTime, trx);
    if (changed.includes('tel')) await this.syncPortalPhone(before.id, input.tel ?? null, now, trx);

    const columns: PatientUpdate = { updated_at: now };
    for (const field of changed) if (isPlainField(field)) Object.assign(columns, { [field]: input[field] });
    if (changed.includes('state') && arrivalTime === null) columns.state = input.state;
    await this.records.update(before.id, columns, trx);

    // After the plain columns, so the arrival sees the new add_time and doctor.
    if (arrivalTime !== null) {
      await recordArrival(
        trx,
        this.core.audit,
        actor,
        { patientId: before.id, visitTime: arrivalTime, recordedBy: staff.id },
        now,
      );
    }
    const afterArrival: PatientUpdate = {};
    if (changed.includes('reach_time')) afterArrival.reach_time = input.reach_time;
    if (changed.includes('spend')) afterArrival.spend_fen = yuanToFen(input.spend as string);
    if (Object.keys(afterArrival).length > 0) await this.records.update(before.id, afterArrival, trx);

    await this.core.audit.record(
      actor,
      {
        action: 'patient.update',
        targetType: 'patient',
        targetId: before.id,
        details: { changed: describeChanges(before, input, changed), arrivalRecorded: arrivalTime !== null },
      },
      trx,
    );
  }

  /**
   * When this edit is an arrival, its time; otherwise null. A reach_time on a record
   * without visits, or state 1 on one never arrived, records the first visit. A record
   * that already has visits takes return visits through POST patient/:id/arrival only.
   */
  private arrivalTime(before: PatientRow, input: UpdateInput, changed: UpdateField[], now: number): number | null {
    if (changed.includes('reach_time')) {
      if (input.reach_time === null) throw invalidField('reach_time', '到诊时间不能清空');
      if (before.visit_count > 0) {
        throw new AppError('conflict', '该客户已有到诊记录，不能修改到诊时间；复诊请使用 POST patient/:id/arrival', {
          extra: { field: 'reach_time' },
        });
      }
      if (input.state !== undefined && input.state !== 1) throw invalidField('state', '登记到诊时状态只能为 1（已到）');
      return input.reach_time as number;
    }
    if (changed.includes('state') && input.state === 1 && before.visit_count === 0) return before.reach_time ?? now;
    return null;
  }

  private async validate(
    before: PatientRow,
    input: UpdateInput,
    changed: UpdateField[],
    arrivalTime: number | null,
    trx: Transaction<Database>,
  ) {
    const addTime = changed.includes('add_time') ? (input.add_time as number) : before.add_time;
    const reachTime = arrivalTime ?? before.reach_time;
    if (reachTime !== null && reachTime < addTime) {
      throw invalidField(changed.includes('reach_time') ? 'reach_time' : 'add_time', '到诊时间不能早于登记时间');
    }
    for (const { field, table } of references) {
      const value = input[field];
      if (changed.includes(field) && value != null && !(await this.references.isActive(table, value, trx))) {
        throw invalidField(field, '不存在或已停用');
      }
    }
  }

  /** The portal login phone is the pool tel: both change together, or neither. */
  private async syncPortalPhone(patientId: number, tel: string | null, now: number, trx: Transaction<Database>) {
    const account = await this.records.portalAccountOf(patientId, trx);
    if (!account) return;
    if (tel === null) throw invalidField('tel', '该客户已开通患者端账号，手机号不能清空');
    const holder = await this.records.portalAccountByPhone(tel, trx);
    if (holder && holder.id !== account.id)
      throw new AppError('conflict', '该手机号已被其他患者端账号使用', { extra: { field: 'tel' } });
    await this.records.updatePortalPhone(account.id, tel, now, trx);
  }
}
