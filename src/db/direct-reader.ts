import SqliteDatabase, { type Statement } from 'better-sqlite3';
import type pg from 'pg';

/**
 * A read of one row by compiled SQL, straight through the driver, for the per-request hot
 * paths (the session lookup behind every authenticated request, the portal profile). Through
 * Kysely each such read also passes its connection mutex, plugins and result transforms,
 * which on the bench cost about as much as the rest of the request.
 *
 * - SQLite: a read-only connection of its own. WAL lets it read beside the app's connection,
 *   and it sees committed data only: a lookup is neither queued behind nor shown the inside
 *   of a write transaction another request holds open (an import holds one for seconds).
 * - PostgreSQL: the pool, with named statements, so each connection parses and plans a hot
 *   query once instead of on every request.
 */
export interface DirectReader {
  first<Row>(sql: string, parameters: readonly unknown[]): Promise<Row | undefined>;
  /** Whether the database answers a read (health check); throws when it does not. */
  ping(): Promise<void>;
  close(): void;
}

/** Keyed by the Kysely instance itself (any schema): a transaction or another instance has no entry. */
const readers = new WeakMap<object, DirectReader>();

/** Called where the database is opened: reads compiled against `db` may take this path. */
export function registerDirectReader(db: object, reader: DirectReader): void {
  readers.set(db, reader);
}

/** The direct reader of `db`, if it has one (a transaction or a test's own Kysely has none). */
export function directReaderOf(db: object): DirectReader | undefined {
  return readers.get(db);
}

export function sqliteDirectReader(file: string): DirectReader {
  let connection: SqliteDatabase.Database | undefined;
  const statements = new Map<string, Statement>();
  // Opened on first use: the file exists and is migrated by then.
  const open = () => {
    if (!connection) {
      connection = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
      connection.pragma('busy_timeout = 5000');
    }
    return connection;
  };
  const statementFor = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = open().prepare(sql);
      // Only the few hot queries come here; the bound is a guard, not a cache policy.
      if (statements.size < 100) statements.set(sql, statement);
    }
    return statement;
  };
  return {
    first: async <Row>(sql: string, parameters: readonly unknown[]) =>
      statementFor(sql).get(...parameters) as Row | undefined,
    ping: async () => void statementFor('select count(*) from sqlite_master').get(),
    close: () => {
      statements.clear();
      connection?.close();
      connection = undefined;
    },
  };
}

export function postgresDirectReader(pool: pg.Pool): DirectReader {
  const names = new Map<string, string>();
  const nameOf = (sql: string) => {
    let name = names.get(sql);
    if (!name) {
      name = `carepool_hot_${names.size + 1}`;
      names.set(sql, name);
    }
    return name;
  };
  return {
    first: async <Row>(sql: string, parameters: readonly unknown[]) =>
      (await pool.query({ name: nameOf(sql), text: sql, values: parameters as unknown[] })).rows[0] as Row | undefined,
    ping: async () => void (await pool.query('select 1')),
    close: () => {},
  };
}
