import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { type GeneratedManifest, generate } from './generate.js';
import { load, type Measurement } from './load.js';
import { startServer } from './processes.js';
import { renderTable } from './report.js';
import { httpScenarios, listPath, portalLogin, staffLogin } from './scenarios.js';
import { type BookingCheck, bookingBurstScenario, exportScenario, importScenario, loginStormScenario, type WorkflowContext } from './workflows.js';

/*
 * npm run bench [-- --quick] [-- --db sqlite|postgres] [-- --rows 1000000] [-- --seed 42]
 * For each database: generate (SQLite files are cached in bench/.data by rows+seed), start
 * the real server and the bare baseline as separate processes, load them with autocannon,
 * print one table. PostgreSQL databases are created for the run and dropped after it.
 */
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    db: { type: 'string' },
    rows: { type: 'string' },
    seed: { type: 'string', default: '42' },
    duration: { type: 'string' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const quick = args.quick!;
const seed = Number(args.seed);
const largeRows = Number(args.rows ?? (quick ? 50_000 : 1_000_000));
const smallRows = 10_000;
const duration = Number(args.duration ?? (quick ? 2 : 10));
const importRows = quick ? 5_000 : 100_000;
const burstSize = quick ? 100 : 500;
const databases = args.db ? [args.db] : ['sqlite', 'postgres'];
const dataDir = path.resolve('bench/.data');
const LOG_LEVEL = process.env.LOG_LEVEL ?? 'info';
const log = (line: string) => console.log(`[bench] ${line}`);

interface Prepared { url: string; manifest: GeneratedManifest; cleanup(): Promise<void> }

/** A pristine generated SQLite file per rows+seed, copied for each run (runs write to it). */
async function prepareSqlite(rows: number): Promise<Prepared> {
  mkdirSync(dataDir, { recursive: true });
  // The schema version is part of the key: a new migration means a new file, not a stale one.
  const schema = readdirSync('src/db/migrations').filter((file) => /^\d{4}_/.test(file)).length;
  const cached = path.join(dataDir, `sqlite-${rows}-${seed}-m${schema}.db`);
  const manifestFile = `${cached}.json`;
  if (!existsSync(cached) || !existsSync(manifestFile)) {
    rmSync(cached, { force: true });
    log(`generating ${rows} patients into ${path.relative('.', cached)}`);
    writeFileSync(manifestFile, JSON.stringify(await generate(`sqlite:${cached}`, rows, seed, log)));
  }
  const runFile = path.join(dataDir, `run-${process.pid}-${rows}.db`);
  copyFileSync(cached, runFile);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as GeneratedManifest;
  return { url: `sqlite:${runFile}`, manifest, cleanup: async () => { for (const suffix of ['', '-wal', '-shm']) rmSync(runFile + suffix, { force: true }); } };
}

async function preparePostgres(rows: number): Promise<Prepared> {
  const name = `carepool_bench_${rows}_${process.pid}`;
  const admin = new pg.Client({ connectionString: args['pg-url'] });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(args['pg-url']!);
  url.pathname = `/${name}`;
  log(`generating ${rows} patients into PostgreSQL ${name}`);
  const manifest = await generate(url.toString(), rows, seed, log);
  return {
    url: url.toString(),
    manifest,
    cleanup: async () => {
      const client = new pg.Client({ connectionString: args['pg-url'] });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

function bookingCheck(url: string): BookingCheck {
  return async (date) => {
    const database = openDatabase(url);
    try {
      const { rows } = await sql<{ doctor_id: number; period: string; live: number; counter: number }>`
        select c.doctor_id, c.period, c.booked as counter,
          (select count(*) from appointments a where a.doctor_id = c.doctor_id and a.session_date = c.session_date
             and a.period = c.period and a.status <> 'cancelled') as live
        from session_counters c where c.session_date = ${date}`.execute(database.db);
      return rows.map((row) => ({ doctorId: Number(row.doctor_id), period: row.period, live: Number(row.live), counter: Number(row.counter) }));
    } finally {
      await database.close();
    }
  };
}

async function withServer<T>(prepared: Prepared, work: (url: string, pid: number) => Promise<T>): Promise<T> {
  const serverDataDir = path.join(dataDir, `server-${process.pid}`);
  mkdirSync(serverDataDir, { recursive: true });
  const server = await startServer('src/server.ts', {
    DATABASE_URL: prepared.url, DATA_DIR: serverDataDir, LOG_LEVEL, RATE_LIMIT_PER_MINUTE: '0', JWT_SECRET: randomBytes(32).toString('hex'),
  }, '/healthz');
  try {
    return await work(server.url, server.pid);
  } finally {
    await server.stop();
    rmSync(serverDataDir, { recursive: true, force: true });
  }
}

async function tokensFor(url: string, manifest: GeneratedManifest) {
  return {
    admin: await staffLogin(url, manifest.adminUsername, manifest.password),
    consultant: await staffLogin(url, manifest.busyConsultant, manifest.password),
    patient: await portalLogin(url, manifest.portalPhones[0]!, manifest.password),
  };
}

async function benchDatabase(database: string, results: Measurement[]): Promise<void> {
  const prepare = database === 'sqlite' ? prepareSqlite : preparePostgres;
  const measure = (rows: number, name: string, outcome: Awaited<ReturnType<typeof load>>, connections = 10): Measurement => ({
    scenario: name, database, rows, connections, ...outcome,
  });

  // The small database: only the scenarios whose target compares sizes.
  const small = await prepare(smallRows);
  const smallP99 = new Map<string, number>();
  try {
    await withServer(small, async (url) => {
      const scenarios = httpScenarios(small.manifest, await tokensFor(url, small.manifest)).filter((scenario) => scenario.scaled);
      for (const scenario of scenarios) {
        const outcome = await load({ url, path: scenario.path, headers: scenario.headers, connections: 10, duration });
        smallP99.set(scenario.name, outcome.p99 ?? 0);
        results.push(measure(smallRows, scenario.name, outcome));
        log(`${database} ${smallRows} ${scenario.name}: p99 ${outcome.p99} ms`);
      }
    });
  } finally {
    await small.cleanup();
  }

  const large = await prepare(largeRows);
  try {
    const baselineServer = await startServer('bench/baseline.ts', { LOG_LEVEL }, '/');
    let baselineRps = 0;
    try {
      const outcome = await load({ url: baselineServer.url, path: '/', connections: 10, duration });
      baselineRps = outcome.requestsPerSecond ?? 0;
      results.push(measure(0, 'bare Fastify route (baseline)', outcome));
    } finally {
      await baselineServer.stop();
    }
    await withServer(large, async (url, pid) => {
      const tokens = await tokensFor(url, large.manifest);
      for (const scenario of httpScenarios(large.manifest, tokens)) {
        const outcome = await load({ url, path: scenario.path, headers: scenario.headers, connections: 10, duration });
        const row = measure(largeRows, scenario.name, outcome);
        if (scenario.versusBaseline) {
          const share = (outcome.requestsPerSecond ?? 0) / Math.max(1, baselineRps);
          Object.assign(row, { ratio: `${(share * 100).toFixed(0)}% of bare`, target: `>= ${scenario.versusBaseline * 100}%`, met: share >= scenario.versusBaseline });
        } else if (scenario.scaled) {
          const ratio = (outcome.p99 ?? 0) / Math.max(1, smallP99.get(scenario.name) ?? 1);
          Object.assign(row, { ratio: `p99 x${ratio.toFixed(2)} vs ${smallRows / 1000}k`, target: `<= ${scenario.scaled}x`, met: ratio <= scenario.scaled });
        } else if (scenario.p99Under) {
          Object.assign(row, { target: `p99 < ${scenario.p99Under} ms`, met: (outcome.p99 ?? Infinity) < scenario.p99Under });
        }
        row.met = row.met !== false && outcome.errors === 0 ? row.met : false;
        results.push(row);
        log(`${database} ${largeRows} ${scenario.name}: ${outcome.requestsPerSecond} req/s, p99 ${outcome.p99} ms, errors ${outcome.errors}`);
      }
      const context: WorkflowContext = { url, serverPid: pid, database, rows: largeRows, adminToken: tokens.admin, duration };
      const pool = large.manifest;
      results.push(...(await loginStormScenario(context, listPath(pool, tokens.admin), pool.consultantUsernames[1]!, pool.password)));
      log(`${database} login storm done`);
      results.push(await bookingBurstScenario(context, pool.portalPhones.slice(0, burstSize), pool.password, bookingCheck(large.url)));
      log(`${database} booking burst done`);
    });
    // Memory scenarios each get a fresh server: its peak RSS is then the scenario's own,
    // not heap left over from the load tests before it. Import last: it adds rows.
    const memoryScenarios: ((context: WorkflowContext) => Promise<Measurement>)[] = [
      (context) => exportScenario(context, 'csv'),
      (context) => exportScenario(context, 'xlsx'),
      (context) => importScenario(context, importRows),
    ];
    for (const scenario of memoryScenarios) {
      const measured = await withServer(large, async (url, pid) => {
        const adminToken = await staffLogin(url, large.manifest.adminUsername, large.manifest.password);
        return scenario({ url, serverPid: pid, database, rows: largeRows, adminToken, duration });
      });
      results.push(measured);
      log(`${database} ${measured.scenario}: ${measured.ratio}, ${measured.note}`);
    }
  } finally {
    await large.cleanup();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: Measurement[] = [];
  for (const database of databases) {
    if (database !== 'sqlite' && database !== 'postgres') throw new Error(`--db must be sqlite or postgres (got ${database})`);
    await benchDatabase(database, results);
  }
  const table = renderTable(results);
  console.log(`\n${table}\n`);
  console.log(`${quick ? 'quick run' : 'full run'}, ${duration} s per scenario, ${((Date.now() - started) / 1000).toFixed(0)} s in total`);
  writeFileSync(path.join(dataDir, quick ? 'latest-quick.md' : 'latest.md'), table + '\n');
  if (results.some((result) => result.met === false)) console.log('Some targets were missed (ok column).');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
