import type { Kysely, Selectable, Transaction } from 'kysely';
import type {
  AdvisoryWaysTable,
  ChannelsTable,
  Database,
  DepartmentsTable,
  DiseasesTable,
  DoctorsTable,
  Executor,
} from '../../db/schema.js';

export type CatalogKind = 'department' | 'disease' | 'doctor' | 'channel' | 'advisory_way';

export const tableOf = {
  department: 'departments',
  disease: 'diseases',
  doctor: 'doctors',
  channel: 'channels',
  advisory_way: 'advisory_ways',
} as const satisfies Record<CatalogKind, keyof Database>;

export type DepartmentRow = Selectable<DepartmentsTable>;
export type DiseaseRow = Selectable<DiseasesTable>;
export type DoctorRow = Selectable<DoctorsTable>;
export type ChannelRow = Selectable<ChannelsTable>;
export type AdvisoryWayRow = Selectable<AdvisoryWaysTable>;
export type CatalogRow = DepartmentRow | DiseaseRow | DoctorRow | ChannelRow | AdvisoryWayRow;

/** Columns a catalog write may set; each kind uses its own subset. */
export interface CatalogValues {
  name?: string;
  sort_order?: number;
  is_active?: number;
  department_id?: number | null;
  title?: string | null;
  specialty?: string | null;
}

/*
 * The five catalog tables share id, name, sort_order and is_active. Queries that touch only
 * those (or the kind's own columns, chosen by the service) address the table through one
 * representative type: Kysely's types cannot follow a table name chosen at run time.
 */
type SharedTable = 'doctors';
const shared = (kind: CatalogKind) => tableOf[kind] as SharedTable;

/** Which patient column points to each kind (advisory ways are stored by name). */
const patientColumn = { disease: 'disease_id', doctor: 'doctor_id', channel: 'media_from_id' } as const;

/** SQL for the catalogs (信息管理). Lists are small: ordered by sort_order, then id. */
export class CatalogRepository {
  constructor(private readonly db: Kysely<Database>) {}

  listDepartments(includeInactive: boolean): Promise<DepartmentRow[]> {
    let query = this.db.selectFrom('departments').selectAll().orderBy('sort_order').orderBy('id');
    if (!includeInactive) query = query.where('is_active', '=', 1);
    return query.execute();
  }

  listDiseases(includeInactive: boolean): Promise<DiseaseRow[]> {
    let query = this.db.selectFrom('diseases').selectAll().orderBy('sort_order').orderBy('id');
    if (!includeInactive) query = query.where('is_active', '=', 1);
    return query.execute();
  }

  listDoctors(filters: { includeInactive: boolean; departmentId?: number }): Promise<DoctorRow[]> {
    let query = this.db.selectFrom('doctors').selectAll().orderBy('sort_order').orderBy('id');
    if (!filters.includeInactive) query = query.where('is_active', '=', 1);
    if (filters.departmentId !== undefined) query = query.where('department_id', '=', filters.departmentId);
    return query.execute();
  }

  listChannels(includeInactive: boolean): Promise<ChannelRow[]> {
    let query = this.db.selectFrom('channels').selectAll().orderBy('sort_order').orderBy('id');
    if (!includeInactive) query = query.where('is_active', '=', 1);
    return query.execute();
  }

  listAdvisoryWays(includeInactive: boolean): Promise<AdvisoryWayRow[]> {
    let query = this.db.selectFrom('advisory_ways').selectAll().orderBy('sort_order').orderBy('id');
    if (!includeInactive) query = query.where('is_active', '=', 1);
    return query.execute();
  }

  async findById(kind: CatalogKind, id: number, db: Executor = this.db): Promise<CatalogRow | undefined> {
    return (await db.selectFrom(shared(kind)).selectAll().where('id', '=', id).executeTakeFirst()) as
      | CatalogRow
      | undefined;
  }

  async exists(kind: CatalogKind, id: number, db: Executor = this.db): Promise<boolean> {
    return (await db.selectFrom(shared(kind)).select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  /** New entries go to the end of their list unless a position is given. */
  async nextSortOrder(kind: CatalogKind, db: Executor): Promise<number> {
    const row = await db
      .selectFrom(shared(kind))
      .select((eb) => eb.fn.max('sort_order').as('max'))
      .executeTakeFirst();
    return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
  }

  async insert(kind: CatalogKind, values: CatalogValues & { name: string }, db: Executor): Promise<number> {
    const row = await db.insertInto(shared(kind)).values(values).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async update(kind: CatalogKind, id: number, values: CatalogValues, db: Executor): Promise<void> {
    await db.updateTable(shared(kind)).set(values).where('id', '=', id).execute();
  }

  async delete(kind: CatalogKind, id: number, db: Executor): Promise<void> {
    await db.deleteFrom(shared(kind)).where('id', '=', id).execute();
  }

  /** Whether any patient record (recycle bin included) points to the entry. */
  async referencedByPatients(
    kind: Exclude<CatalogKind, 'department'>,
    entry: { id: number; name: string },
    db: Executor,
  ): Promise<boolean> {
    const query = db.selectFrom('patients').select('id').limit(1);
    const row =
      kind === 'advisory_way'
        ? await query.where('advisory_way', '=', entry.name).executeTakeFirst()
        : await query.where(patientColumn[kind], '=', entry.id).executeTakeFirst();
    return row !== undefined;
  }

  async doctorHasVisits(doctorId: number, db: Executor): Promise<boolean> {
    return (
      (await db.selectFrom('visits').select('id').where('doctor_id', '=', doctorId).limit(1).executeTakeFirst()) !==
      undefined
    );
  }

  async departmentHasChildren(departmentId: number, db: Executor): Promise<boolean> {
    const disease = await db
      .selectFrom('diseases')
      .select('id')
      .where('department_id', '=', departmentId)
      .limit(1)
      .executeTakeFirst();
    if (disease) return true;
    return (
      (await db
        .selectFrom('doctors')
        .select('id')
        .where('department_id', '=', departmentId)
        .limit(1)
        .executeTakeFirst()) !== undefined
    );
  }

  /** Patients keep the advisory way by name: a rename carries over to them. */
  async renameAdvisoryWayOnPatients(oldName: string, newName: string, db: Transaction<Database>): Promise<number> {
    const result = await db
      .updateTable('patients')
      .set({ advisory_way: newName })
      .where('advisory_way', '=', oldName)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
