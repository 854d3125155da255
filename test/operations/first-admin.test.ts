import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrations/index.js';
import { ensureFirstAdministrator } from '../../src/features/staff-users/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let testDatabase: TestDatabase;
let instances: DatabaseHandle[] = [];
beforeAll(async () => {
  testDatabase = await createTestDatabase();
  instances = [openDatabase(testDatabase.url), openDatabase(testDatabase.url), openDatabase(testDatabase.url)];
  await migrateToLatest(instances[0]!.db, instances[0]!.dialect);
});
afterAll(async () => {
  for (const instance of instances) await instance.close();
  await testDatabase?.drop();
});

/** Collects what the bootstrap tells the operator. */
function recordingLog(lines: string[]): FastifyBaseLogger {
  const record = (message: unknown) => void lines.push(String(message));
  return {
    info: record,
    warn: record,
    error: record,
    debug: record,
    trace: record,
    fatal: record,
    level: 'info',
    silent: () => {},
    child: () => recordingLog(lines),
  } as unknown as FastifyBaseLogger;
}

describe('first start of several instances on one empty database', () => {
  it('creates exactly one administrator, and every instance starts', async () => {
    const config = loadConfig({
      DATABASE_URL: testDatabase.url,
      DATA_DIR: testDatabase.dataDir,
      JWT_SECRET: 'x'.repeat(32),
    });
    const lines: string[] = [];
    const results = await Promise.allSettled(
      instances.map((instance) => ensureFirstAdministrator(instance.db, config, recordingLog(lines))),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const admins = await instances[0]!.db.selectFrom('staff_users').select('username').execute();
    expect(admins).toEqual([{ username: 'admin' }]);
    // The generated password is shown by the one instance whose account was kept, never by a loser.
    expect(lines.filter((line) => line.startsWith('First administrator created'))).toHaveLength(1);
  });
});
