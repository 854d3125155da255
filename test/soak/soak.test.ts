import { afterAll, describe, expect, it } from 'vitest';
import { type SpawnedServer, serverEnv, spawnServer } from '../faults/support/spawned-server.js';
import { createTestDatabase, type TestDatabase, testDialect } from '../support/database.js';
import { describeSoak, runSoak } from './soak-runner.js';

/**
 * A bounded soak (SOAK_SECONDS, default 60) on the SQLite pass: a realistic staff and portal
 * mix against the real server process, zero errors, p50/p99 reported, memory flat.
 * Longer runs, on either database: `npm run soak -- --minutes N` (README).
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
/** Generous: real leaks grow steadily; allocator and JIT noise on a shared machine stays well below. */
const RSS_GROWTH_TOLERANCE_MB = 60;
const onSqlite = testDialect() === 'sqlite';
if (!onSqlite)
  console.log(
    '[soak] SKIPPED on the PostgreSQL pass: it runs once, on SQLite (npm run soak -- --db postgres for PostgreSQL)',
  );

let testDatabase: TestDatabase | undefined;
let server: SpawnedServer | undefined;
afterAll(async () => {
  await server?.kill('SIGKILL');
  await testDatabase?.drop();
});

describe.skipIf(!onSqlite)('soak', () => {
  it(`serves a mixed staff and portal load for ${SECONDS} s with no error and flat memory`, {
    timeout: (SECONDS + 90) * 1000,
  }, async () => {
    testDatabase = await createTestDatabase();
    server = await spawnServer(serverEnv(testDatabase.url, testDatabase.dataDir));
    const report = await runSoak({ baseUrl: server.baseUrl, serverPid: server.pid(), durationMs: SECONDS * 1000 });
    console.log(describeSoak(report, `sqlite, 3 staff + 3 portal loops`));

    expect(report.errors).toEqual([]);
    expect(report.requests).toBeGreaterThan(SECONDS * 10);
    expect(server.running()).toBe(true);
    if (report.rss.length >= 6) {
      // Against the first third's peak, not its median: the GC saw-tooth alone swings RSS by
      // tens of MB, and a leak shows as the whole last third sitting above that top.
      expect(report.rssLastThirdMb).toBeLessThan(report.rssFirstThirdPeakMb + RSS_GROWTH_TOLERANCE_MB);
    }
  });
});
