import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { postgresDirectReader, registerDirectReader, sqliteDirectReader } from './direct-reader.js';
import type { Database } from './schema.js';
import { withStatementCache } from './sqlite-statement-cache.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
  /** PostgreSQL: connection pool counters (for /metrics). */
  poolStats?(): { total: number; idle: number; waiting: number };
  /** SQLite: the database file, or ':memory:' (for /metrics and the backup command). */
  sqliteFile?: string;
  /** Whether the database answers a read, for /healthz; throws when it does not. */
  ping(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** `sqlite:./data/x.db` -> absolute path; `sqlite::memory:` -> ':memory:'. */
export function sqlitePathFromUrl(url: string): string {
  const rest = url.slice('sqlite:'.length);
  if (rest === ':memory:') return ':memory:';
  return path.resolve(rest);
}

function openSqlite(url: string): DatabaseHandle {
  const file = sqlitePathFromUrl(url);
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const connection = new SqliteDatabase(file);
  // WAL lets readers run beside the writer; synchronous=FULL makes an acknowledged
  // commit survive a crash of the process or of the machine (medical records).
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
  if (file === ':memory:') {
    // No second connection can see an in-memory database: everything goes through Kysely.
    return {
      db,
      dialect: 'sqlite',
      close: () => db.destroy(),
      sqliteFile: file,
      ping: async () => void (await sql`select 1`.execute(db)),
    };
  }
  // Hot reads and the health check use a read-only connection of their own (see direct-reader):
  // the app's one connection is held for the whole of a write transaction (an import: seconds),
  // and a health probe queued behind it would report a healthy server as down.
  const reader = sqliteDirectReader(file);
  registerDirectReader(db, reader);
  const close = async () => {
    reader.close();
    await db.destroy();
  };
  return { db, dialect: 'sqlite', close, sqliteFile: file, ping: () => reader.ping() };
}

export interface OpenOptions {
  /**
   * For migrations and bulk rebuilds, not requests: PostgreSQL without the request timeouts,
   * since building an index over a million patients takes longer than any request may (0010's
   * GIN index ~30 s, 0012's gram lists 40 s), and on one connection.
   */
  maintenance?: boolean;
}

/** Bounds for a request's query; a maintenance connection has none. */
const REQUEST_TIMEOUTS = {
  // A query that runs away must not hold a request (and a pool slot) forever.
  statement_timeout: 15_000,
  // And if the server itself hangs (paused, network black hole), the client gives up too.
  query_timeout: 20_000,
};

function openPostgres(url: string, options: OpenOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maintenance ? 1 : 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    ...(options.maintenance ? {} : REQUEST_TIMEOUTS),
    // Counts and Unix-second timestamps are int8; they fit a JS number.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
        return pg.types.getTypeParser(oid, format as 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server (database restart) must not crash the process.
  pool.on('error', () => {});
  // Nor may a client checked out by a request (say, between two queries of a transaction):
  // the pool only listens on idle clients, and pg emits 'error' on a client whose server goes
  // away, which with no listener kills the process. Its query still fails (503) and the pool
  // drops the broken client on release. Found by test/faults/database-outage.test.ts.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const reader = postgresDirectReader(pool);
  registerDirectReader(db, reader);
  return {
    db,
    dialect: 'postgres',
    close: () => db.destroy(),
    ping: () => reader.ping(),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

export function openDatabase(url: string, options: OpenOptions = {}): DatabaseHandle {
  return url.startsWith('sqlite:') ? openSqlite(url) : openPostgres(url, options);
}

/**
 * Runs `work` (a migration, a rebuild over every patient) against the database at `url`, whose
 * service handle is `db`: on PostgreSQL on a maintenance connection of its own, since on the
 * request pool a long statement would be cut by the request timeouts; on SQLite on `db` itself,
 * which has no such limits (and an in-memory database is only seen by its own handle).
 */
export async function onMaintenanceConnection<T>(
  url: string,
  db: Kysely<Database>,
  dialect: DialectName,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (dialect === 'sqlite') return work(db);
  const maintenance = openPostgres(url, { maintenance: true });
  try {
    return await work(maintenance.db);
  } finally {
    await maintenance.close();
  }
}

/** True for a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** A row that other rows still point to (either dialect). */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** True when the database could not be reached (connection refused, pool timeout, shutdown). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    // 57014: a statement cut by the request statement timeout; SQLITE_BUSY: the write lock not had
    // within busy_timeout. Both say the database is too busy now, not that the request is wrong (503).
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      '57P01',
      '57P03',
      '57014',
      '08006',
      '08001',
      '08003',
      'SQLITE_BUSY',
    ].includes(code)
  ) {
    return true;
  }
  return (
    typeof message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated|driver has already been destroyed|is not queryable/i.test(
      message,
    )
  );
}

/** PostgreSQL refusing a character its encoding cannot store (e.g. NUL): the input's fault. */
export function isUnstorableText(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '22021' || code === '22P05';
}
