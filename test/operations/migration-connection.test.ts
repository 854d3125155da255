import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { migrateForService } from '../../src/db/migrations/index.js';
import { createTestDatabase, type TestDatabase, testDialect } from '../support/database.js';

/*
 * An upgrade of a large PostgreSQL pool runs statements longer than any request may (0012
 * fills its gram lists from a million patients in 40 s): migrations must not run under the
 * request pool's statement limit (15 s) or its client-side query timeout (20 s), or the
 * server would not start after an upgrade. Requests keep both.
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

const statementTimeout = async (handle: DatabaseHandle) => (await sql<{ statement_timeout: string }>`show statement_timeout`.execute(handle.db)).rows[0]!.statement_timeout;

describe('the connection migrations run on', () => {
  it('migrates a new database to the latest schema before the service reads it', async () => {
    expect(await migrateForService(testDatabase.url, service)).toContain('0001_initial');
    expect(await migrateForService(testDatabase.url, service)).toEqual([]);
    const { rows } = await sql<{ patients: number }>`select count(*) as patients from patients`.execute(service.db);
    expect(Number(rows[0]!.patients)).toBe(0);
  });

  it.runIf(onPostgres)('has no statement limit on PostgreSQL, where requests keep theirs', async () => {
    const maintenance = openDatabase(testDatabase.url, { maintenance: true });
    try {
      expect(await statementTimeout(maintenance)).toBe('0');
      expect(await statementTimeout(service)).toBe('15s');
    } finally {
      await maintenance.close();
    }
  });
});
