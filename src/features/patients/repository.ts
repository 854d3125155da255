import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import type { Database, NewPatientRow, PatientRow } from '../../db/schema.js';
import type { PatientScope } from './scope.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface PatientListFilters {
  keyword?: string;
  state?: number;
  mediaFromId?: number;
  diseaseId?: number;
  doctorId?: number;
  /** Any disease of this department. */
  departmentId?: number;
  /** The consultant who registered the patient. */
  authorId?: number;
  advisoryWay?: string;
  addTimeFrom?: number;
  addTimeTo?: number;
  orderTimeFrom?: number;
  orderTimeTo?: number;
  reachTimeFrom?: number;
  reachTimeTo?: number;
  /** first: exactly one visit; return: more than one. */
  visitType?: 'first' | 'return';
}

/** Exact values to look for in the duplicate check; any one matching counts. */
export interface DuplicateProbe {
  tel?: string;
  wechat?: string;
  qq?: string;
  name?: string;
}

export interface PatientListPaging {
  page: number;
  pageSize: number;
  sort: 'add_time' | 'order_time' | 'reach_time' | 'id';
  order: 'asc' | 'desc';
}

/** `%` and `_` typed by a user are literal characters, not wildcards. */
export const likeContains = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function scopeCondition(eb: ExpressionBuilder<Database, 'patients'>, scope: PatientScope): Expression<SqlBool> {
  const live = eb('patients.deleted_at', 'is', null);
  return scope.kind === 'all' ? live : eb.and([live, eb('patients.author_id', '=', scope.authorId)]);
}

export function filterConditions(eb: ExpressionBuilder<Database, 'patients'>, filters: PatientListFilters): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  if (filters.state !== undefined) conditions.push(eb('patients.state', '=', filters.state));
  if (filters.mediaFromId !== undefined) conditions.push(eb('patients.media_from_id', '=', filters.mediaFromId));
  if (filters.diseaseId !== undefined) conditions.push(eb('patients.disease_id', '=', filters.diseaseId));
  if (filters.doctorId !== undefined) conditions.push(eb('patients.doctor_id', '=', filters.doctorId));
  if (filters.departmentId !== undefined) {
    const departmentId = filters.departmentId;
    conditions.push(eb('patients.disease_id', 'in', eb.selectFrom('diseases').select('diseases.id').where('diseases.department_id', '=', departmentId)));
  }
  if (filters.authorId !== undefined) conditions.push(eb('patients.author_id', '=', filters.authorId));
  if (filters.advisoryWay !== undefined) conditions.push(eb('patients.advisory_way', '=', filters.advisoryWay));
  if (filters.addTimeFrom !== undefined) conditions.push(eb('patients.add_time', '>=', filters.addTimeFrom));
  if (filters.addTimeTo !== undefined) conditions.push(eb('patients.add_time', '<=', filters.addTimeTo));
  if (filters.orderTimeFrom !== undefined) conditions.push(eb('patients.order_time', '>=', filters.orderTimeFrom));
  if (filters.orderTimeTo !== undefined) conditions.push(eb('patients.order_time', '<=', filters.orderTimeTo));
  if (filters.reachTimeFrom !== undefined) conditions.push(eb('patients.reach_time', '>=', filters.reachTimeFrom));
  if (filters.reachTimeTo !== undefined) conditions.push(eb('patients.reach_time', '<=', filters.reachTimeTo));
  if (filters.visitType === 'first') conditions.push(eb('patients.visit_count', '=', 1));
  if (filters.visitType === 'return') conditions.push(eb('patients.visit_count', '>', 1));
  const keyword = filters.keyword?.trim();
  if (keyword) {
    const pattern = likeContains(keyword);
    conditions.push(
      eb.or(
        (['name', 'tel', 'wechat', 'qq'] as const).map(
          (column) => sql<SqlBool>`${sql.ref(`patients.${column}`)} like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  return conditions;
}

/** The patient pool. Every read takes the caller's scope. */
export class PatientRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(values: NewPatientRow, db: Executor = this.db): Promise<PatientRow> {
    return db.insertInto('patients').values(values).returningAll().executeTakeFirstOrThrow();
  }

  async list(scope: PatientScope, filters: PatientListFilters, paging: PatientListPaging): Promise<{ rows: PatientRow[]; total: number }> {
    const where = (eb: ExpressionBuilder<Database, 'patients'>) => eb.and([scopeCondition(eb, scope), ...filterConditions(eb, filters)]);
    const rows = await this.db
      .selectFrom('patients')
      .selectAll()
      .where(where)
      .orderBy(paging.sort, paging.order)
      .orderBy('id', paging.order)
      .limit(paging.pageSize)
      .offset((paging.page - 1) * paging.pageSize)
      .execute();
    const counted = await this.db
      .selectFrom('patients')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where(where)
      .executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }

  /** Live records with this exact tel, newest first, within the scope. */
  async idsWithTel(tel: string, scope: PatientScope, db: Executor = this.db): Promise<number[]> {
    const rows = await db
      .selectFrom('patients')
      .select('id')
      .where((eb) => eb.and([scopeCondition(eb, scope), eb('patients.tel', '=', tel)]))
      .orderBy('id', 'desc')
      .limit(20)
      .execute();
    return rows.map((row) => row.id);
  }

  /** Live records in scope matching any of the probe's exact values, newest first. */
  async duplicates(probe: DuplicateProbe, scope: PatientScope, limit: number): Promise<{ rows: PatientRow[]; total: number }> {
    const where = (eb: ExpressionBuilder<Database, 'patients'>) => {
      const matches: Expression<SqlBool>[] = [];
      for (const field of ['tel', 'wechat', 'qq', 'name'] as const) {
        const value = probe[field];
        if (value !== undefined) matches.push(eb(`patients.${field}`, '=', value));
      }
      return eb.and([scopeCondition(eb, scope), eb.or(matches)]);
    };
    const rows = await this.db.selectFrom('patients').selectAll().where(where).orderBy('id', 'desc').limit(limit).execute();
    const counted = await this.db
      .selectFrom('patients')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where(where)
      .executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }
}
