/**
 * Longer soak than the one in `npm test`: `npm run soak -- --minutes 10 [--db postgres]`
 * [--staff-loops 3] [--portal-loops 3]. Starts the real server on a fresh database (SQLite
 * by default; --db postgres creates one on TEST_DATABASE_URL, default the local server),
 * runs the staff and portal mix, prints errors, p50/p99 and the server's RSS trend, and
 * exits 1 on any error or when the median RSS of the last third (after warm-up) exceeds the
 * first third's peak by --rss-tolerance-mb (default 60).
 */
import { parseArgs } from 'node:util';
import { serverEnv, spawnServer } from '../test/faults/support/spawned-server.js';
import { describeSoak, runSoak } from '../test/soak/soak-runner.js';
import { createTestDatabase } from '../test/support/database.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    db: { type: 'string', default: 'sqlite' },
    'staff-loops': { type: 'string', default: '3' },
    'portal-loops': { type: 'string', default: '3' },
    'rss-tolerance-mb': { type: 'string', default: '60' },
  },
});
const minutes = Number(values.minutes);
if (!(minutes > 0) || !['sqlite', 'postgres'].includes(values.db)) {
  console.error(
    'usage: npm run soak -- --minutes N [--db sqlite|postgres] [--staff-loops 3] [--portal-loops 3] [--rss-tolerance-mb 60]',
  );
  process.exit(2);
}

process.env.TEST_DB = values.db;
const database = await createTestDatabase();
const server = await spawnServer(serverEnv(database.url, database.dataDir));
let failed = true;
try {
  console.log(`[soak] ${values.db}: ${minutes} min against ${server.baseUrl} (server pid ${server.pid()}) ...`);
  const report = await runSoak({
    baseUrl: server.baseUrl,
    serverPid: server.pid(),
    durationMs: minutes * 60_000,
    staffLoops: Number(values['staff-loops']),
    portalLoops: Number(values['portal-loops']),
    rssEveryMs: minutes > 5 ? 5000 : 2000,
  });
  console.log(
    describeSoak(report, `${values.db}, ${values['staff-loops']} staff + ${values['portal-loops']} portal loops`),
  );
  for (const error of report.errors) console.log(`  error: ${error}`);
  const growth = report.rssLastThirdMb - report.rssFirstThirdPeakMb;
  const tolerance = Number(values['rss-tolerance-mb']);
  failed = report.errorCount > 0 || growth >= tolerance || !server.running();
  console.log(
    failed
      ? `[soak] FAILED (errors ${report.errorCount}, RSS growth ${growth.toFixed(1)} MB, tolerance ${tolerance} MB)`
      : '[soak] passed',
  );
} finally {
  await server.kill('SIGKILL');
  await database.drop();
}
process.exit(failed ? 1 : 0);
