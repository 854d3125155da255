import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { sqlitePathFromUrl } from '../src/db/database.js';

/*
 * Raw bulk loading for the generator, one implementation per dialect: 1000-row multi-value
 * INSERTs inside transactions, with the secondary indexes of the big tables dropped during
 * the load and rebuilt after (one sort per index instead of a million B-tree inserts).
 */
export interface BulkWriter {
  begin(): Promise<void>;
  commit(): Promise<void>;
  insert(table: string, columns: readonly string[], rows: unknown[][]): Promise<void>;
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  /** Drops the table's secondary (non-constraint) indexes and returns their definitions. */
  dropIndexes(table: string): Promise<string[]>;
  recreateIndexes(definitions: string[]): Promise<void>;
  /** After explicit ids: make the next generated id follow the largest one. */
  syncIdentity(table: string): Promise<void>;
  finish(): Promise<void>;
}

class SqliteBulkWriter implements BulkWriter {
  private readonly statements = new Map<string, SqliteDatabase.Statement>();
  constructor(private readonly connection: SqliteDatabase.Database) {
    // The file is a throwaway until the load finishes: durability buys nothing here.
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = OFF');
    connection.pragma('cache_size = -200000');
  }

  async begin() {
    this.connection.exec('begin');
  }
  async commit() {
    this.connection.exec('commit');
  }

  async insert(table: string, columns: readonly string[], rows: unknown[][]) {
    const key = `${table}:${rows.length}`;
    let statement = this.statements.get(key);
    if (!statement) {
      const tuple = `(${columns.map(() => '?').join(',')})`;
      statement = this.connection.prepare(
        `insert into ${table} (${columns.join(',')}) values ${Array(rows.length).fill(tuple).join(',')}`,
      );
      this.statements.set(key, statement);
    }
    statement.run(rows.flat());
  }

  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const statement = this.connection.prepare(text.replace(/\$\d+/g, '?'));
    return (statement.reader ? statement.all(params) : (statement.run(params), [])) as T[];
  }

  async dropIndexes(table: string) {
    const rows = this.connection
      .prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = ? and sql is not null")
      .all(table) as { name: string; sql: string }[];
    for (const row of rows) this.connection.exec(`drop index "${row.name}"`);
    return rows.map((row) => row.sql);
  }

  async recreateIndexes(definitions: string[]) {
    for (const definition of definitions) this.connection.exec(definition);
  }

  async syncIdentity() {
    /* AUTOINCREMENT keeps sqlite_sequence at the largest explicit id by itself. */
  }

  async finish() {
    this.connection.pragma('wal_checkpoint(TRUNCATE)');
    this.connection.close();
  }
}

class PostgresBulkWriter implements BulkWriter {
  constructor(private readonly client: pg.Client) {}

  async begin() {
    await this.client.query('begin');
  }
  async commit() {
    await this.client.query('commit');
  }

  async insert(table: string, columns: readonly string[], rows: unknown[][]) {
    const params: unknown[] = [];
    const tuples = rows.map((row) => `(${row.map((value) => (params.push(value), `$${params.length}`)).join(',')})`);
    await this.client.query({
      text: `insert into ${table} (${columns.join(',')}) values ${tuples.join(',')}`,
      values: params,
    });
  }

  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query(text, params)).rows as T[];
  }

  async dropIndexes(table: string) {
    const { rows } = await this.client.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes where tablename = $1
         and indexname not in (select conname from pg_constraint)`,
      [table],
    );
    for (const row of rows) await this.client.query(`drop index "${row.indexname}"`);
    return rows.map((row) => row.indexdef);
  }

  async recreateIndexes(definitions: string[]) {
    await this.client.query("set maintenance_work_mem = '256MB'");
    for (const definition of definitions) await this.client.query(definition);
  }

  async syncIdentity(table: string) {
    await this.client.query(
      `select setval(pg_get_serial_sequence('${table}', 'id'), (select coalesce(max(id), 1) from ${table}))`,
    );
  }

  async finish() {
    // A database in service has been vacuumed by autovacuum: its visibility map lets counts
    // run as index-only scans. Right after a bulk load nothing is marked all-visible yet,
    // and a busy consultant's list total read ~40k heap pages instead (bench: p99 159 ms).
    await this.client.query('vacuum (analyze)');
    await this.client.end();
  }
}

export async function openBulkWriter(url: string): Promise<BulkWriter> {
  if (url.startsWith('sqlite:')) return new SqliteBulkWriter(new SqliteDatabase(sqlitePathFromUrl(url)));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Losing the load to a crash only means generating again.
  await client.query('set synchronous_commit = off');
  return new PostgresBulkWriter(client);
}
