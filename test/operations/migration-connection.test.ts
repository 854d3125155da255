import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, onMaintenanceConnection, openDatabase } from '../../src/db/database.js';
import { migrateForService } from '../../src/db/migrations/index.js';
import type { Database } from '../../src/db/schema.js';
import { createTestDatabase, type TestDatabase, testDialect } from '../support/database.js';

/*
 * An upgrade of a large PostgreSQL pool runs statements longer than any request may (0012
 * fills its gram lists from a million patients in 40 s): migrations must not run under the
 * request pool's statement limit (15 s) or its client-side query timeout (20 s), or the
 * server would not start after an upgrade. Nor may the statistics rollup's rebuild at start.
 * Requests keep both.
 */
const onPostgres = testDialect() === 'postgres';
let testDatabase: TestDatabase;
let service: DatabaseHandle;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
  service = openDatabase(testDatabase.url);
});
afterAll(async () => {
  await service?.close();
  await testDatabase?.drop();
});

const statementTimeout = async (db: Kysely<Database>) =>
  (await sql<{ statement_timeout: string }>`show statement_timeout`.execute(db)).rows[0]!.statement_timeout;

describe('the connection migrations run on', () => {
  it('migrates a new database to the latest schema before the service reads it', async () => {
    expect(await migrateForService(testDatabase.url, service)).toContain('0001_initial');
    expect(await migrateForService(testDatabase.url, service)).toEqual([]);
    const { rows } = await sql<{ patients: number }>`select count(*) as patients from patients`.execute(service.db);
    expect(Number(rows[0]!.patients)).toBe(0);
  });

  it.runIf(onPostgres)('has no statement limit on PostgreSQL, where requests keep theirs', async () => {
    // What migrateForService and the rollup's rebuild at start run their work on.
    expect(await onMaintenanceConnection(testDatabase.url, service.db, service.dialect, statementTimeout)).toBe('0');
    expect(await statementTimeout(service.db)).toBe('15s');
  });
});
