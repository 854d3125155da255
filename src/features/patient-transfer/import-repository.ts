import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { bindShape, type CompiledShape, compileShape } from '../../db/precompiled.js';
import type { Database, Executor } from '../../db/schema.js';
import { livePatient, type PatientScope } from '../../domain/patient-scope.js';
import { type CatalogEntry, type Catalogs, IMPORT_PROFILE_FIELDS, type ImportCandidate } from './import-rows.js';

/**
 * Rows an import reads, looks up and writes at a time. One INSERT of 500 rows x 20 columns binds
 * 10,000 parameters, one lookup 500: below SQLite's limit (32,766 since 3.32) and PostgreSQL's
 * (65,535).
 */
export const IMPORT_BATCH_SIZE = 500;

/**
 * The INSERT sizes used: a full batch, and a remainder as a sum of powers of two. SQLite keeps
 * prepared statements per SQL text (src/db/sqlite-statement-cache.ts, up to 1000), and a
 * prepared 500-row INSERT takes about 0.9 MB: one statement per distinct row count would leave
 * hundreds of MB behind after a few imports. With these sizes there are ten at most.
 */
const INSERT_SIZES = [IMPORT_BATCH_SIZE, 256, 128, 64, 32, 16, 8, 4, 2, 1];

/** The file's columns of a new record; author_id, created_at and updated_at follow them. */
const CANDIDATE_COLUMNS = [
  'name',
  'tel',
  'sex',
  'age',
  'wechat',
  'qq',
  'add_time',
  'order_time',
  'reach_time',
  'state',
  'media_from_id',
  'disease_id',
  'doctor_id',
  'advisory_way',
  'advisory_content',
  'area',
  'remarks',
] as const satisfies readonly Exclude<keyof ImportCandidate, 'line'>[];
const INSERTED_COLUMNS = [...CANDIDATE_COLUMNS, 'author_id', 'created_at', 'updated_at'] as const;

export interface ExistingTel {
  id: number;
  tel: string;
  authorId: number | null;
}

function byName(
  rows: { id: number; name: string; is_active: number; department_id?: number | null }[],
): Map<string, CatalogEntry[]> {
  const map = new Map<string, CatalogEntry[]>();
  for (const row of rows) {
    const entry = { id: row.id, name: row.name, active: row.is_active === 1, departmentId: row.department_id ?? null };
    map.set(row.name, [...(map.get(row.name) ?? []), entry]);
  }
  return map;
}

export class ImportRepository {
  private lookup: CompiledShape | undefined;
  private readonly inserts = new Map<number, CompiledShape>();
  private readonly updates = new Map<string, CompiledShape>();

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
    for (let start = 0; start < tels.length; start += IMPORT_BATCH_SIZE) {
      const chunk = tels.slice(start, start + IMPORT_BATCH_SIZE);
      // A shorter list repeats its last tel: `in` ignores repeats, and one statement serves every batch.
      const values = Array.from({ length: IMPORT_BATCH_SIZE }, (_, index) => chunk[Math.min(index, chunk.length - 1)]);
      const statement = this.lookupStatement();
      const result = await db.executeQuery<{ id: number; tel: string; author_id: number | null }>(
        CompiledQuery.raw(
          statement.sql,
          bindShape(statement, (slot) => values[slot]),
        ),
      );
      for (const row of result.rows) found.push({ id: row.id, tel: row.tel, authorId: row.author_id });
    }
    return found;
  }

  /** New records from valid rows, with the importing staff user as author. */
  async insertMany(rows: ImportCandidate[], authorId: number, now: number, trx: Transaction<Database>): Promise<void> {
    const width = INSERTED_COLUMNS.length;
    const cellOf = (row: ImportCandidate, column: number) =>
      column < CANDIDATE_COLUMNS.length ? row[CANDIDATE_COLUMNS[column]!] : column === width - 3 ? authorId : now;
    for (let start = 0; start < rows.length; ) {
      const size = INSERT_SIZES.find((candidate) => candidate <= rows.length - start)!;
      const statement = this.insertStatement(size);
      const parameters = bindShape(statement, (slot) => cellOf(rows[start + Math.floor(slot / width)]!, slot % width));
      await trx.executeQuery(CompiledQuery.raw(statement.sql, parameters));
      start += size;
    }
  }

  /**
   * Gives a live record in the caller's scope the row's profile fields that the file fills (an
   * empty cell keeps the record's value); false when the record is no longer there.
   */
  async update(
    id: number,
    candidate: ImportCandidate,
    now: number,
    scope: Extract<PatientScope, { kind: 'all' | 'own' }>,
    trx: Transaction<Database>,
  ): Promise<boolean> {
    const given = IMPORT_PROFILE_FIELDS.filter((field) => candidate[field] !== null);
    const statement = this.updateStatement(scope.kind, given);
    const values = [...given.map((field) => candidate[field]), now, id, scope.kind === 'own' ? scope.authorId : null];
    const result = await trx.executeQuery(
      CompiledQuery.raw(
        statement.sql,
        bindShape(statement, (slot) => values[slot]),
      ),
    );
    return Number(result.numAffectedRows) === 1;
  }

  private lookupStatement(): CompiledShape {
    this.lookup ??= compileShape(IMPORT_BATCH_SIZE, (markers) =>
      this.db
        .selectFrom('patients')
        .select(['id', 'tel', 'author_id'])
        .where('tel', 'in', markers)
        .where((eb) => livePatient(eb))
        .orderBy('id', 'desc'),
    );
    return this.lookup;
  }

  private insertStatement(rows: number): CompiledShape {
    let statement = this.inserts.get(rows);
    if (!statement) {
      const width = INSERTED_COLUMNS.length;
      statement = compileShape(rows * width, (markers) =>
        this.db
          .insertInto('patients')
          .values(
            Array.from({ length: rows }, (_, row) =>
              Object.fromEntries(INSERTED_COLUMNS.map((column, index) => [column, markers[row * width + index]])),
            ) as never,
          ),
      );
      this.inserts.set(rows, statement);
    }
    return statement;
  }

  /**
   * One statement per scope and set of given fields (a file's rows mostly share one). Only the
   * given columns are assigned: an assigned column wakes the triggers that watch it (`after
   * update of`), changed or not.
   */
  private updateStatement(
    scope: 'all' | 'own',
    given: readonly (typeof IMPORT_PROFILE_FIELDS)[number][],
  ): CompiledShape {
    const key = `${scope}:${given.join(',')}`;
    let statement = this.updates.get(key);
    if (!statement) {
      statement = compileShape(given.length + (scope === 'own' ? 3 : 2), (markers) => {
        const query = this.db
          .updateTable('patients')
          .set({
            ...Object.fromEntries(given.map((field, index) => [field, markers[index]])),
            updated_at: markers[given.length],
          } as never)
          .where('id', '=', markers[given.length + 1] as never)
          .where((eb) => livePatient(eb));
        return scope === 'own' ? query.where('author_id', '=', markers[given.length + 2] as never) : query;
      });
      this.updates.set(key, statement);
    }
    return statement;
  }
}
