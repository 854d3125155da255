import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAdminUrl, testDialect } from '../support/database.js';
import { createPatientBody, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { runCli } from './cli-support.js';

let server: TestServer;
let env: Record<string, string>;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer();
  env = { DATABASE_URL: server.config.databaseUrl, DATA_DIR: server.config.dataDir };
  adminToken = await staffLogin(server.http);
});
afterAll(async () => server?.close());

const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCli(args, { ...env, ...extraEnv }, server.config.dataDir);

async function createPatient(name: string): Promise<void> {
  const response = await server.http.post(`${STAFF}/patient/`, {
    json: createPatientBody({ token: adminToken, name, tel: uniquePhone() }),
  });
  expect(response.status, response.text).toBe(201);
}

/** A backup taken while the server keeps answering writes. */
async function backupUnderWrites(output: string) {
  await createPatient('备份前的患者');
  const writes = Promise.all(Array.from({ length: 5 }, (_, index) => createPatient(`备份期间患者${index}`)));
  const result = await cli(['backup', '--output', output]);
  await writes;
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(output);
}

describe.runIf(testDialect() === 'sqlite')('carepool backup and restore on SQLite', () => {
  it('copies the live database consistently and restores it only while the server is stopped', async () => {
    const output = path.join(server.config.dataDir, 'backups', 'live.db');
    await backupUnderWrites(output);
    const copy = new SqliteDatabase(output, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const names = copy.prepare('select name from patients').pluck().all() as string[];
    copy.close();
    expect(names).toContain('备份前的患者');

    const again = await cli(['backup', '--output', output]);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('already exists')]);

    // The running server holds the live file: restoring over it is refused, nothing touched.
    const refused = await cli(['restore', '--input', output]);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('stop the server')]);
    expect((await server.http.get(`${STAFF}/patient/`, { bearer: adminToken })).body.total).toBe(6);

    // A stopped instance's database (here: a separate file) is replaced, the old file kept.
    const target = path.join(server.config.dataDir, 'stopped', 'carepool.db');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, '');
    const restored = await cli(['restore', '--input', output], { DATABASE_URL: `sqlite:${target}` });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('kept as');
    const reopened = new SqliteDatabase(target, { readonly: true });
    expect(reopened.prepare('select count(*) from patients where name = ?').pluck().get('备份前的患者')).toBe(1);
    reopened.close();
  });

  it('refuses a file that is not a CarePool backup and leaves the database alone', async () => {
    const bogus = path.join(server.config.dataDir, 'not-a-backup.db');
    writeFileSync(bogus, 'this is not sqlite'.repeat(100));
    const target = path.join(server.config.dataDir, 'other', 'carepool.db');
    const result = await cli(['restore', '--input', bogus], { DATABASE_URL: `sqlite:${target}` });
    expect([result.code, result.stderr]).toEqual([1, expect.stringContaining('does not open as a SQLite database')]);
  });
});

describe.runIf(testDialect() === 'postgres')('carepool backup and restore on PostgreSQL', () => {
  const restoredName = `carepool_restore_${randomBytes(5).toString('hex')}`;
  const admin = () => new pg.Client({ connectionString: postgresAdminUrl() });
  afterAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`drop database if exists ${restoredName} with (force)`);
    await client.end();
  });

  it('dumps with pg_dump while running and restores into an empty database only', async () => {
    const output = path.join(server.config.dataDir, 'backups', 'live.dump');
    await backupUnderWrites(output);
    expect(readFileSync(output).subarray(0, 5).toString('latin1')).toBe('PGDMP');

    const refused = await cli(['restore', '--input', output]);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('not empty')]);

    const client = admin();
    await client.connect();
    await client.query(`create database ${restoredName}`);
    await client.end();
    const url = new URL(postgresAdminUrl());
    url.pathname = `/${restoredName}`;
    const restored = await cli(['restore', '--input', output], { DATABASE_URL: url.toString() });
    expect(restored.code, restored.stderr).toBe(0);
    const check = new pg.Client({ connectionString: url.toString() });
    await check.connect();
    const { rows } = await check.query("select count(*)::int as n from patients where name = '备份前的患者'");
    const { rows: migrations } = await check.query('select count(*)::int as n from kysely_migration');
    await check.end();
    expect(rows[0].n).toBe(1);
    expect(migrations[0].n).toBeGreaterThanOrEqual(6);
  });

  it('says clearly that pg_dump is missing (exit 3) when the client tools are not installed', async () => {
    const result = await cli(['backup'], { PATH: path.join(server.config.dataDir, 'empty-bin') });
    expect([result.code, result.stderr]).toEqual([3, expect.stringContaining('pg_dump was not found')]);
  });
});
