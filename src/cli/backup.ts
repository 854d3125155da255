import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { AppConfig } from '../config.js';
import { sqlitePathFromUrl } from '../db/database.js';
import { CliError, EXIT, parseOptions, requireOption } from './context.js';

const stamp = (): string => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');

/** Runs a PostgreSQL client tool; a missing tool is its own clear error (exit 3). */
function runTool(tool: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new CliError(
            `${tool} was not found on PATH: install the PostgreSQL client tools (same major version as the server, e.g. apt-get install postgresql-client-15)`,
            EXIT.missingTool,
          ),
        );
      } else reject(error);
    });
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new CliError(`${tool} failed (exit ${code}): ${stderr.trim()}`)),
    );
  });
}

function sqliteFile(config: AppConfig): string {
  const file = sqlitePathFromUrl(config.databaseUrl);
  if (file === ':memory:') throw new CliError('an in-memory database cannot be backed up or restored', EXIT.usage);
  return file;
}

/**
 * backup: SQLite through the online backup API (a consistent snapshot while the server keeps
 * writing); PostgreSQL through pg_dump in its custom format (pg_restore reads it).
 */
export async function backup(config: AppConfig, args: readonly string[]): Promise<void> {
  const options = parseOptions(args, ['output']);
  const isSqlite = config.databaseUrl.startsWith('sqlite:');
  const output = path.resolve(
    options.get('output') ?? path.join(config.dataDir, 'backups', `carepool-${stamp()}.${isSqlite ? 'db' : 'dump'}`),
  );
  if (existsSync(output)) throw new CliError(`${output} already exists: choose another --output`);
  mkdirSync(path.dirname(output), { recursive: true });
  if (isSqlite) {
    const file = sqliteFile(config);
    if (!existsSync(file)) throw new CliError(`no database at ${file}`);
    const source = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    try {
      await source.backup(output);
    } finally {
      source.close();
    }
    // The copy inherits WAL mode; switch it to a rollback journal so the backup is one
    // self-contained file that opens read-only without leaving -wal/-shm files beside it.
    const copy = new SqliteDatabase(output, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
  } else {
    await runTool('pg_dump', [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      `--file=${output}`,
      `--dbname=${config.databaseUrl}`,
    ]);
  }
  console.log(`Backup written to ${output}`);
}

/** The backup must be a CarePool SQLite database that passes an integrity check. */
function checkSqliteBackup(input: string): void {
  let candidate: SqliteDatabase.Database | undefined;
  try {
    candidate = new SqliteDatabase(input, { readonly: true, fileMustExist: true });
    const check = candidate.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new CliError(`${input} fails the integrity check: ${String(check)}`);
    const table = candidate
      .prepare("select name from sqlite_master where type = 'table' and name = 'staff_users'")
      .get();
    if (!table) throw new CliError(`${input} is a SQLite file but not a CarePool database`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${input} does not open as a SQLite database: ${(error as Error).message}`);
  } finally {
    candidate?.close();
  }
}

/** True while another process (a running server) holds the database open. */
function sqliteInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const probe = new SqliteDatabase(file, { fileMustExist: true, timeout: 0 });
  try {
    // An exclusive lock cannot be had while any other connection shares the WAL index.
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE; COMMIT;');
    return false;
  } catch {
    return true;
  } finally {
    probe.close();
  }
}

function restoreSqlite(config: AppConfig, input: string): void {
  const file = sqliteFile(config);
  checkSqliteBackup(input);
  if (sqliteInUse(file)) throw new CliError(`${file} is in use: stop the server before restoring`);
  mkdirSync(path.dirname(file), { recursive: true });
  const staged = `${file}.restoring`;
  copyFileSync(input, staged);
  if (existsSync(file)) {
    const kept = `${file}.before-restore-${stamp()}`;
    renameSync(file, kept);
    console.log(`The database it replaces is kept as ${kept}`);
  }
  // A stale write-ahead log would be replayed onto the restored file: drop it with the old file.
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  renameSync(staged, file);
}

function isCustomDump(input: string): boolean {
  const fd = openSync(input, 'r');
  try {
    const header = Buffer.alloc(5);
    readSync(fd, header, 0, 5, 0);
    return header.toString('latin1') === 'PGDMP';
  } finally {
    closeSync(fd);
  }
}

async function restorePostgres(config: AppConfig, input: string): Promise<void> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      "select count(*) as count from information_schema.tables where table_schema = 'public'",
    );
    if (Number(rows[0]?.count) > 0)
      throw new CliError(
        'the target database is not empty: restore into a newly created database, then point DATABASE_URL at it',
      );
  } finally {
    await client.end();
  }
  if (isCustomDump(input)) {
    await runTool('pg_restore', [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${config.databaseUrl}`,
      input,
    ]);
  } else {
    await runTool('psql', [
      '--quiet',
      '--no-psqlrc',
      '--set=ON_ERROR_STOP=1',
      '--single-transaction',
      `--dbname=${config.databaseUrl}`,
      `--file=${input}`,
    ]);
  }
}

/** restore: SQLite replaces the file (server stopped, backup checked first); PostgreSQL fills an empty database. */
export async function restore(config: AppConfig, args: readonly string[]): Promise<void> {
  const options = parseOptions(args, ['input']);
  const input = path.resolve(requireOption(options, 'input'));
  if (!existsSync(input)) throw new CliError(`no file at ${input}`, EXIT.usage);
  if (config.databaseUrl.startsWith('sqlite:')) restoreSqlite(config, input);
  else await restorePostgres(config, input);
  console.log(`Restored from ${input}. Start the server (it applies any newer migrations).`);
}
