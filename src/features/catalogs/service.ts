import type { Transaction } from 'kysely';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { AuditActor } from '../../domain/audit.js';
import { AppError, invalidField } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import type { CatalogKind, CatalogRepository, CatalogRow, CatalogValues, DiseaseRow } from './catalog-repository.js';

export const PORTAL_CHANNEL_SYSTEM_KEY = 'portal_self_registration';

const labelOf: Record<CatalogKind, string> = {
  department: '科室',
  disease: '病种',
  doctor: '医生',
  channel: '来源渠道',
  advisory_way: '咨询方式',
};

/** What a create or update asked for, already in column names; undefined = not given. */
export type CatalogInput = CatalogValues;

const fieldsOf = (values: CatalogValues) =>
  Object.keys(values).filter((key) => values[key as keyof CatalogValues] !== undefined) as (keyof CatalogValues)[];

/** Catalog rules: unique names, references that must exist, delete only when nothing points to the entry. */
export class CatalogService {
  constructor(
    private readonly core: CoreServices,
    readonly repository: CatalogRepository,
  ) {}

  /** Departments with their diseases, two queries for the whole tree. */
  async departmentTree(includeInactive: boolean) {
    const [departments, diseases] = await Promise.all([
      this.repository.listDepartments(includeInactive),
      this.repository.listDiseases(includeInactive),
    ]);
    const byDepartment = new Map<number, DiseaseRow[]>();
    for (const disease of diseases)
      byDepartment.set(disease.department_id, [...(byDepartment.get(disease.department_id) ?? []), disease]);
    return departments.map((department) => ({ department, diseases: byDepartment.get(department.id) ?? [] }));
  }

  async create(kind: CatalogKind, input: CatalogInput & { name: string }, actor: AuditActor): Promise<CatalogRow> {
    const values: CatalogInput & { name: string } = { ...input, name: input.name.trim() };
    return this.write(kind, async (trx) => {
      await this.assertLinksExist(kind, values, trx);
      values.sort_order ??= await this.repository.nextSortOrder(kind, trx);
      const id = await this.repository.insert(kind, values, trx);
      const row = await this.repository.findById(kind, id, trx);
      if (!row) throw new Error('inserted catalog entry not found');
      await this.core.audit.record(
        actor,
        { action: 'catalog.create', targetType: kind, targetId: id, details: { name: row.name } },
        trx,
      );
      return row;
    });
  }

  async update(kind: CatalogKind, id: number, input: CatalogInput, actor: AuditActor): Promise<CatalogRow> {
    if (fieldsOf(input).length === 0) throw new AppError('parameter_missing', '缺少参数: 至少提供一个要修改的字段');
    const values: CatalogInput = { ...input, name: input.name?.trim() };
    return this.write(kind, async (trx) => {
      const before = await this.repository.findById(kind, id, trx);
      if (!before) throw this.notFound(kind);
      const changedFields = fieldsOf(values).filter(
        (field) => values[field] !== (before as unknown as Record<string, unknown>)[field],
      );
      if (changedFields.length === 0) return before;
      if (changedFields.includes('name') && 'system_key' in before && before.system_key === PORTAL_CHANNEL_SYSTEM_KEY) {
        throw new AppError('conflict', '系统渠道“患者端自助注册”不能改名');
      }
      await this.assertLinksExist(kind, values, trx);
      const changes: CatalogValues = Object.fromEntries(changedFields.map((field) => [field, values[field]]));
      await this.repository.update(kind, id, changes, trx);
      const details: Record<string, unknown> = {
        name: before.name,
        changed: Object.fromEntries(
          changedFields.map((field) => [
            field,
            { before: (before as unknown as Record<string, unknown>)[field] ?? null, after: values[field] },
          ]),
        ),
      };
      if (kind === 'advisory_way' && changes.name !== undefined) {
        details.patientsRenamed = await this.repository.renameAdvisoryWayOnPatients(before.name, changes.name, trx);
      }
      await this.core.audit.record(actor, { action: 'catalog.update', targetType: kind, targetId: id, details }, trx);
      const after = await this.repository.findById(kind, id, trx);
      if (!after) throw this.notFound(kind);
      return after;
    });
  }

  async delete(kind: CatalogKind, id: number, actor: AuditActor): Promise<void> {
    const inUse = () => new AppError('conflict', `该${labelOf[kind]}已被使用，不能删除，请改为停用`);
    try {
      await this.write(kind, async (trx) => {
        const entry = await this.repository.findById(kind, id, trx);
        if (!entry) throw this.notFound(kind);
        if ('system_key' in entry && entry.system_key !== null)
          throw new AppError('conflict', '系统渠道不能删除，可以停用');
        if (kind === 'department') {
          if (await this.repository.departmentHasChildren(id, trx)) {
            throw new AppError('conflict', '该科室下还有病种或医生，不能删除，请先删除或移走它们，或改为停用');
          }
        } else if (await this.repository.referencedByPatients(kind, entry, trx)) {
          throw new AppError('conflict', `该${labelOf[kind]}已被客户记录引用，不能删除，请改为停用`);
        }
        if (kind === 'doctor' && (await this.repository.doctorHasVisits(id, trx))) throw inUse();
        await this.repository.delete(kind, id, trx);
        await this.core.audit.record(
          actor,
          { action: 'catalog.delete', targetType: kind, targetId: id, details: { name: entry.name } },
          trx,
        );
      });
    } catch (error) {
      // Another table (appointments, schedules ...) still points to it: the transaction rolled back.
      if (isForeignKeyViolation(error)) throw inUse();
      throw error;
    }
  }

  private notFound(kind: CatalogKind): AppError {
    return new AppError('not_found', `${labelOf[kind]}不存在`);
  }

  private async assertLinksExist(kind: CatalogKind, values: CatalogValues, trx: Transaction<Database>): Promise<void> {
    if (
      (kind === 'disease' || kind === 'doctor') &&
      values.department_id != null &&
      !(await this.repository.exists('department', values.department_id, trx))
    ) {
      throw invalidField('department_id', '科室不存在');
    }
  }

  private async write<T>(kind: CatalogKind, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    try {
      return await this.core.db.transaction().execute(work);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AppError('conflict', kind === 'disease' ? '该科室下已有同名病种' : `已有同名${labelOf[kind]}`);
      }
      throw error;
    }
  }
}
