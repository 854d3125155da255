import type { Kysely, Transaction } from 'kysely';
import type { Database, NewPatientRow, PatientUpdate } from '../../db/schema.js';
import type { PatientScope } from '../patients/scope.js';
import type { CatalogEntry, Catalogs } from './import-rows.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Rows per INSERT: 500 x 20 columns stays far below both dialects' parameter limits. */
export const INSERT_BATCH_SIZE = 500;
const LOOKUP_BATCH_SIZE = 500;

export interface ExistingTel {
  id: number;
  tel: string;
  authorId: number | null;
}

function byName(rows: { id: number; name: string; is_active: number; department_id?: number | null }[]): Map<string, CatalogEntry[]> {
  const map = new Map<string, CatalogEntry[]>();
  for (const row of rows) {
    const entry = { id: row.id, name: row.name, active: row.is_active === 1, departmentId: row.department_id ?? null };
    map.set(row.name, [...(map.get(row.name) ?? []), entry]);
  }
  return map;
}

export class ImportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async catalogs(): Promise<Catalogs> {
    const [channels, departments, diseases, doctors, advisoryWays] = await Promise.all([
      this.db.selectFrom('channels').select(['id', 'name', 'is_active']).execute(),
      this.db.selectFrom('departments').select(['id', 'name', 'is_active']).execute(),
      this.db.selectFrom('diseases').select(['id', 'name', 'is_active', 'department_id']).execute(),
      this.db.selectFrom('doctors').select(['id', 'name', 'is_active', 'department_id']).execute(),
      this.db.selectFrom('advisory_ways').select(['id', 'name', 'is_active']).execute(),
    ]);
    return {
      channels: byName(channels),
      departments: byName(departments),
      diseases: byName(diseases),
      doctors: byName(doctors),
      advisoryWays: byName(advisoryWays),
    };
  }

  /** Live records holding any of these tels, whoever registered them, newest first. */
  async existingTels(tels: string[], db: Executor = this.db): Promise<ExistingTel[]> {
    const found: ExistingTel[] = [];
    for (let start = 0; start < tels.length; start += LOOKUP_BATCH_SIZE) {
      const chunk = tels.slice(start, start + LOOKUP_BATCH_SIZE);
      const rows = await db
        .selectFrom('patients')
        .select(['id', 'tel', 'author_id'])
        .where('tel', 'in', chunk)
        .where('deleted_at', 'is', null)
        .orderBy('id', 'desc')
        .execute();
      for (const row of rows) found.push({ id: row.id, tel: row.tel!, authorId: row.author_id });
    }
    return found;
  }

  async insertMany(rows: NewPatientRow[], trx: Transaction<Database>): Promise<void> {
    for (let start = 0; start < rows.length; start += INSERT_BATCH_SIZE) {
      await trx.insertInto('patients').values(rows.slice(start, start + INSERT_BATCH_SIZE)).execute();
    }
  }

  /** Updates one record in the caller's scope; false when it is no longer there. */
  async update(id: number, changes: PatientUpdate, scope: PatientScope, trx: Transaction<Database>): Promise<boolean> {
    let query = trx.updateTable('patients').set(changes).where('id', '=', id).where('deleted_at', 'is', null);
    if (scope.kind === 'own') query = query.where('author_id', '=', scope.authorId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
