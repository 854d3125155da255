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
  addTimeFrom?: number;
  addTimeTo?: number;
}

export interface PatientListPaging {
  page: number;
  pageSize: number;
  sort: 'add_time' | 'order_time' | 'reach_time' | 'id';
  order: 'asc' | 'desc';
}

/** `%` and `_` typed by a user are literal characters, not wildcards. */
export const likeContains = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function scopeCondition(eb: ExpressionBuilder<Database, 'patients'>, scope: PatientScope): Expression<SqlBool> {
  const live = eb('patients.deleted_at', 'is', null);
  return scope.kind === 'all' ? live : eb.and([live, eb('patients.author_id', '=', scope.authorId)]);
}

function filterConditions(eb: ExpressionBuilder<Database, 'patients'>, filters: PatientListFilters): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  if (filters.state !== undefined) conditions.push(eb('patients.state', '=', filters.state));
  if (filters.mediaFromId !== undefined) conditions.push(eb('patients.media_from_id', '=', filters.mediaFromId));
  if (filters.diseaseId !== undefined) conditions.push(eb('patients.disease_id', '=', filters.diseaseId));
  if (filters.doctorId !== undefined) conditions.push(eb('patients.doctor_id', '=', filters.doctorId));
  if (filters.addTimeFrom !== undefined) conditions.push(eb('patients.add_time', '>=', filters.addTimeFrom));
  if (filters.addTimeTo !== undefined) conditions.push(eb('patients.add_time', '<=', filters.addTimeTo));
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
}
