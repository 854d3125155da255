import type { Static } from 'typebox';
import type { PatientRow } from '../../db/schema.js';
import type { AuditActor } from '../../domain/audit.js';
import type { PatientListFilters } from '../../domain/patient-filters.js';
import { phoneVisibilityOf, scopeOf } from '../../domain/patient-scope.js';
import { maskPhone } from '../../domain/phone.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { AppError, invalidField } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import type { ReferenceRepository, ReferenceTable } from '../catalogs/index.js';
import type { PhoneLookups } from './phone-lookups.js';
import type { PoolTotals } from './pool-total.js';
import type { PatientListPaging, PatientRepository } from './repository.js';
import type { CreatePatientBody } from './schemas.js';

type CreatePatientInput = Static<typeof CreatePatientBody>;

const references: { field: 'disease_id' | 'media_from_id' | 'doctor_id'; table: ReferenceTable }[] = [
  { field: 'disease_id', table: 'diseases' },
  { field: 'media_from_id', table: 'channels' },
  { field: 'doctor_id', table: 'doctors' },
];

export class PatientService {
  constructor(
    private readonly core: CoreServices,
    private readonly patients: PatientRepository,
    private readonly referenceRepository: ReferenceRepository,
    private readonly poolTotals: PoolTotals,
    private readonly phoneLookups: PhoneLookups,
  ) {}

  async list(
    staff: StaffPrincipal,
    filters: PatientListFilters,
    paging: PatientListPaging,
    actor: AuditActor,
    now: number,
  ) {
    const scope = scopeOf(staff);
    await this.phoneLookups.reserveKeyword(staff, actor, filters.keyword, 'list', now);
    const total = await this.poolTotals.total(scope, filters);
    const page = await this.patients.list(scope, filters, paging, {
      phones: phoneVisibilityOf(staff),
      knownTotal: total ?? undefined,
    });
    return { ...page, authorNames: await this.patients.authorNames(page.rows.map((row) => row.author_id)) };
  }

  async create(staff: StaffPrincipal, input: CreatePatientInput, actor: AuditActor, now: number): Promise<PatientRow> {
    if (input.reach_time != null && input.reach_time < input.add_time) {
      throw invalidField('reach_time', '到诊时间不能早于登记时间');
    }
    for (const { field, table } of references) {
      const id = input[field];
      if (id != null && !(await this.referenceRepository.isActive(table, id))) {
        throw invalidField(field, '不存在或已停用');
      }
    }
    const scope = scopeOf(staff);
    const checksTel = Boolean(input.tel) && input.allow_duplicate !== true;
    // The 409 below answers whether the tel is in the pool: for a masked caller, a counted lookup.
    if (checksTel) await this.phoneLookups.reserve(staff, actor, { purpose: 'create', tels: [input.tel!] }, now);
    return this.core.db.transaction().execute(async (trx) => {
      if (checksTel && input.tel) {
        const existing = await this.patients.idsWithTel(input.tel, { kind: 'all' }, trx);
        if (existing.length > 0) {
          // The id is shown only when the caller could open that record anyway.
          const visible = scope.kind === 'all' ? existing : await this.patients.idsWithTel(input.tel, scope, trx);
          throw new AppError('conflict', '该手机号已登记（如确认重复登记，请传 allow_duplicate=true）', {
            extra:
              visible[0] === undefined
                ? { duplicates: existing.length }
                : { existingId: String(visible[0]), duplicates: existing.length },
          });
        }
      }
      const row = await this.patients.insert(
        {
          name: input.name,
          sex: input.sex ?? null,
          age: input.age ?? null,
          tel: input.tel ?? null,
          wechat: input.wechat ?? null,
          qq: input.qq ?? null,
          add_time: input.add_time,
          order_time: input.order_time ?? null,
          reach_time: input.reach_time ?? null,
          disease_id: input.disease_id ?? null,
          author_id: staff.id,
          state: input.state,
          media_from_id: input.media_from_id ?? null,
          doctor_id: input.doctor_id ?? null,
          advisory_way: input.advisory_way ?? null,
          advisory_content: input.advisory_content ?? null,
          area: input.area ?? null,
          remarks: input.remarks ?? null,
          created_at: now,
          updated_at: now,
        },
        trx,
      );
      await this.core.audit.record(
        actor,
        {
          action: 'patient.create',
          targetType: 'patient',
          targetId: row.id,
          details: {
            tel: row.tel ? maskPhone(row.tel) : null,
            fields: Object.keys(input).filter(
              (key) => key !== 'token' && input[key as keyof CreatePatientInput] != null,
            ),
            duplicateOverride: input.allow_duplicate === true,
          },
        },
        trx,
      );
      return row;
    });
  }
}
