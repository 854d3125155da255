import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { type GeneratedManifest, generate } from './generate.js';
import { load, type Measurement } from './load.js';
import { buildServer, COMPILED_SERVER, startServer } from './processes.js';
import { renderTable } from './report.js';
import { type HttpScenario, httpScenarios, listPath, portalLogin, staffLogin, totalFound } from './scenarios.js';
import { renderWebTable, runWebBench, type WebMeasurement } from './web.js';
import {
  type BookingCheck,
  bookingBurstScenario,
  exportScenario,
  importScenario,
  loginStormScenario,
  type WorkflowContext,
} from './workflows.js';

/*
 * npm run bench [-- --quick] [-- --db sqlite|postgres] [-- --rows 1000000] [-- --seed 42]
 *   [-- --only search,export]   (scenarios whose name contains one of these words; the baseline always runs)
 *   [-- --only web]             (only the browser group: bench/web.ts, first screens on local and Slow 4G; no database)
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
    only: { type: 'string' },
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
const onlyWords =
  args.only
    ?.split(',')
    .map((word) => word.trim().toLowerCase())
    .filter(Boolean) ?? [];
/** The browser group (bench/web.ts) runs in a whole run and with `--only web`. */
const webSelected = onlyWords.length === 0 || onlyWords.includes('web');
/** `--only web` alone runs no database scenario (nor generates a database for none). */
const databaseSelected = onlyWords.length === 0 || onlyWords.some((word) => word !== 'web');
/** Whether a scenario of this name runs (--only narrows a run to some scenarios while tuning). */
const selected = (name: string) =>
  onlyWords.length === 0 || onlyWords.some((word) => name.toLowerCase().includes(word));

interface Prepared {
  url: string;
  manifest: GeneratedManifest;
  cleanup(): Promise<void>;
}

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
  return {
    url: `sqlite:${runFile}`,
    manifest,
    cleanup: async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(runFile + suffix, { force: true });
    },
  };
}

/** Runs statements that must not be inside a transaction (create/drop database) on the server's default database. */
async function onPostgresServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: args['pg-url'] });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A generated PostgreSQL database per rows+seed+schema is kept as a template (as SQLite's
 * file is kept); each run gets a copy made with `create database ... template`, which at 1M
 * patients takes seconds instead of the generator's minutes. The manifest file beside the
 * SQLite cache says the template is complete: an interrupted generation is redone, and so is
 * one on a server (--pg-url) that has no such template.
 */
async function preparePostgres(rows: number): Promise<Prepared> {
  mkdirSync(dataDir, { recursive: true });
  const schema = readdirSync('src/db/migrations').filter((file) => /^\d{4}_/.test(file)).length;
  const template = `carepool_bench_tpl_${rows}_${seed}_m${schema}`;
  const manifestFile = path.join(dataDir, `${template}.json`);
  const urlOf = (database: string) => {
    const url = new URL(args['pg-url']!);
    url.pathname = `/${database}`;
    return url.toString();
  };
  // The manifest is kept per machine, the template per server: another --pg-url needs its own.
  const templateExists = await onPostgresServer(
    async (client) => (await client.query('select 1 from pg_database where datname = $1', [template])).rowCount === 1,
  );
  if (!existsSync(manifestFile) || !templateExists) {
    await onPostgresServer(async (client) => {
      await client.query(`drop database if exists ${template} with (force)`);
      await client.query(`create database ${template}`);
    });
    log(`generating ${rows} patients into PostgreSQL ${template} (kept as a template for later runs)`);
    writeFileSync(manifestFile, JSON.stringify(await generate(urlOf(template), rows, seed, log)));
  }
  const name = `carepool_bench_${rows}_${process.pid}`;
  await onPostgresServer(async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name} template ${template}`);
  });
  return {
    url: urlOf(name),
    manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) as GeneratedManifest,
    cleanup: () =>
      onPostgresServer(async (client) => {
        await client.query(`drop database if exists ${name} with (force)`);
      }),
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
      return rows.map((row) => ({
        doctorId: Number(row.doctor_id),
        period: row.period,
        live: Number(row.live),
        counter: Number(row.counter),
      }));
    } finally {
      await database.close();
    }
  };
}

async function withServer<T>(prepared: Prepared, work: (url: string, pid: number) => Promise<T>): Promise<T> {
  const serverDataDir = path.join(dataDir, `server-${process.pid}`);
  mkdirSync(serverDataDir, { recursive: true });
  const server = await startServer(
    COMPILED_SERVER,
    {
      DATABASE_URL: prepared.url,
      DATA_DIR: serverDataDir,
      LOG_LEVEL,
      RATE_LIMIT_PER_MINUTE: '0',
      JWT_SECRET: randomBytes(32).toString('hex'),
    },
    '/healthz',
  );
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

/** Loads one scenario; a list that finds nobody is reported as a failure, not as a fast answer. */
async function loadScenario(url: string, scenario: HttpScenario) {
  const found = scenario.mustFind ? await totalFound(url, scenario.path) : undefined;
  const outcome = await load({ url, path: scenario.path, headers: scenario.headers, connections: 10, duration });
  return { outcome, found, emptyAnswer: found === 0 };
}

async function benchDatabase(database: string, results: Measurement[]): Promise<void> {
  const prepare = database === 'sqlite' ? prepareSqlite : preparePostgres;
  const measure = (
    rows: number,
    name: string,
    outcome: Awaited<ReturnType<typeof load>>,
    connections = 10,
  ): Measurement => ({
    scenario: name,
    database,
    rows,
    connections,
    ...outcome,
  });

  // The small database: only the scenarios whose target compares sizes.
  const small = await prepare(smallRows);
  const smallP99 = new Map<string, number>();
  try {
    await withServer(small, async (url) => {
      const scenarios = httpScenarios(small.manifest, await tokensFor(url, small.manifest)).filter(
        (scenario) => scenario.scaled && selected(scenario.name),
      );
      for (const scenario of scenarios) {
        const { outcome, found, emptyAnswer } = await loadScenario(url, scenario);
        smallP99.set(scenario.name, outcome.p99 ?? 0);
        results.push({
          ...measure(smallRows, scenario.name, outcome),
          ...(found === undefined ? {} : { note: `finds ${found}` }),
          ...(emptyAnswer ? { met: false } : {}),
        });
        log(`${database} ${smallRows} ${scenario.name}: p99 ${outcome.p99} ms`);
      }
    });
  } finally {
    await small.cleanup();
  }

  const large = await prepare(largeRows);
  try {
    const baselineServer = await startServer('bench/baseline.ts', { LOG_LEVEL, BASELINE_DATABASE_URL: large.url }, '/');
    let baselineRps = 0;
    try {
      const outcome = await load({ url: baselineServer.url, path: '/', connections: 10, duration });
      baselineRps = outcome.requestsPerSecond ?? 0;
      results.push(measure(0, 'bare Fastify route (baseline)', outcome));
      const oneRow = await load({ url: baselineServer.url, path: '/row', connections: 10, duration });
      const share = (oneRow.requestsPerSecond ?? 0) / Math.max(1, baselineRps);
      results.push({
        ...measure(largeRows, 'bare route + one row read (ceiling)', oneRow),
        ratio: `${(share * 100).toFixed(0)}% of bare`,
        note: 'what any route reading one row can reach',
      });
    } finally {
      await baselineServer.stop();
    }
    await withServer(large, async (url, pid) => {
      const tokens = await tokensFor(url, large.manifest);
      for (const scenario of httpScenarios(large.manifest, tokens).filter((candidate) => selected(candidate.name))) {
        const { outcome, found, emptyAnswer } = await loadScenario(url, scenario);
        const row = measure(largeRows, scenario.name, outcome);
        if (found !== undefined) row.note = `finds ${found}`;
        if (scenario.versusBaseline) {
          const share = (outcome.requestsPerSecond ?? 0) / Math.max(1, baselineRps);
          Object.assign(row, {
            ratio: `${(share * 100).toFixed(0)}% of bare`,
            target: `>= ${scenario.versusBaseline * 100}%`,
            met: share >= scenario.versusBaseline,
          });
        } else if (scenario.scaled) {
          const ratio = (outcome.p99 ?? 0) / Math.max(1, smallP99.get(scenario.name) ?? 1);
          Object.assign(row, {
            ratio: `p99 x${ratio.toFixed(2)} vs ${smallRows / 1000}k`,
            target: `<= ${scenario.scaled}x`,
            met: ratio <= scenario.scaled,
          });
        } else if (scenario.p99Under) {
          Object.assign(row, {
            target: `p99 < ${scenario.p99Under} ms`,
            met: (outcome.p99 ?? Infinity) < scenario.p99Under,
          });
        }
        row.met = row.met !== false && outcome.errors === 0 && !emptyAnswer ? row.met : false;
        results.push(row);
        log(
          `${database} ${largeRows} ${scenario.name}: ${outcome.requestsPerSecond} req/s, p99 ${outcome.p99} ms, errors ${outcome.errors}`,
        );
      }
      const context: WorkflowContext = {
        url,
        serverPid: pid,
        database,
        rows: largeRows,
        adminToken: tokens.admin,
        duration,
      };
      const pool = large.manifest;
      // Each row is logged as it is measured, so an interrupted run still shows it.
      const logRow = (row: Measurement) =>
        log(
          `${database} ${row.scenario}: ${row.requestsPerSecond ?? ''} req/s, p99 ${row.p99 ?? ''} ms, ${row.ratio ?? ''} ${row.note ?? ''}`,
        );
      if (selected('login storm')) {
        const storm = await loginStormScenario(
          context,
          listPath(pool, tokens.admin),
          pool.consultantUsernames[1]!,
          pool.password,
        );
        storm.forEach(logRow);
        results.push(...storm);
      }
      if (selected('booking burst')) {
        const burst = await bookingBurstScenario(
          context,
          pool.portalPhones.slice(0, burstSize),
          pool.password,
          bookingCheck(large.url),
        );
        logRow(burst);
        results.push(burst);
      }
    });
    // Memory scenarios each get a fresh server in a full run: its peak RSS is then the
    // scenario's own, not heap left over from the load tests before it. The quick smoke run
    // shares one (server starts were a third of its time). Import last: it adds rows.
    const memoryScenarios: ((context: WorkflowContext) => Promise<Measurement>)[] = [
      ...(selected('export csv') ? [(context: WorkflowContext) => exportScenario(context, 'csv')] : []),
      ...(selected('export xlsx') ? [(context: WorkflowContext) => exportScenario(context, 'xlsx')] : []),
      ...(selected('import') ? [(context: WorkflowContext) => importScenario(context, importRows)] : []),
    ];
    const runScenarios = (scenarios: typeof memoryScenarios) =>
      withServer(large, async (url, pid) => {
        const adminToken = await staffLogin(url, large.manifest.adminUsername, large.manifest.password);
        const measured: Measurement[] = [];
        for (const scenario of scenarios) {
          measured.push(await scenario({ url, serverPid: pid, database, rows: largeRows, adminToken, duration }));
          log(`${database} ${measured.at(-1)!.scenario}: ${measured.at(-1)!.ratio}, ${measured.at(-1)!.note}`);
        }
        return measured;
      });
    if (quick && memoryScenarios.length > 0) results.push(...(await runScenarios(memoryScenarios)));
    else for (const scenario of memoryScenarios) results.push(...(await runScenarios([scenario])));
  } finally {
    await large.cleanup();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  buildServer();
  const results: Measurement[] = [];
  // The web group: first screens in Chromium (bench/web.ts), independent of the database.
  const web: WebMeasurement[] = webSelected ? await runWebBench({ quick, log: (line) => log(`web ${line}`) }) : [];
  if (databaseSelected)
    for (const database of databases) {
      if (database !== 'sqlite' && database !== 'postgres')
        throw new Error(`--db must be sqlite or postgres (got ${database})`);
      await benchDatabase(database, results);
    }
  const tables = [
    ...(results.length > 0 ? [renderTable(results)] : []),
    ...(web.length > 0 ? [renderWebTable(web)] : []),
  ];
  const table = tables.join('\n\n');
  console.log(`\n${table}\n`);
  console.log(
    `${quick ? 'quick run' : 'full run'}, ${duration} s per scenario, ${((Date.now() - started) / 1000).toFixed(0)} s in total`,
  );
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path.join(dataDir, quick ? 'latest-quick.md' : 'latest.md'), `${table}\n`);
  if ([...results, ...web].some((result) => result.met === false)) console.log('Some targets were missed (ok column).');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
