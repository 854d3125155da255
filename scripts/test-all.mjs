#!/usr/bin/env node
// Runs the whole Vitest suite on SQLite, then again on PostgreSQL, and prints one
// closing line "N passed, N failed". Under CI=true an unreachable PostgreSQL is a
// failure; elsewhere that pass is skipped with a clear message.
//
// Each pass has two phases: the API suite (two files at a time), then the browser files
// one at a time. A browser test waits on what a screen shows; sharing the 2 cores with the
// fault tests (which start and kill whole servers) stalled Chromium past a step's limit in
// CI. Given file filters, one run takes exactly those files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

const args = process.argv.slice(2);
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const passThrough = args.filter((arg) => !arg.startsWith('--only='));
const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const isCi = process.env.CI === 'true';

async function postgresReachable() {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const BROWSER_FILES = 'test/browser/**';
const hasFileFilters = passThrough.some((arg) => !arg.startsWith('-'));
const phases = hasFileFilters
  ? [{ name: 'selected files', args: [] }]
  : [
      { name: 'API suite', args: [`--exclude=${BROWSER_FILES}`] },
      { name: 'browser', args: ['test/browser/', '--maxWorkers=1'] },
    ];

function runPhase(dialect, phase) {
  const reportDir = mkdtempSync(path.join(tmpdir(), 'carepool-report-'));
  const report = path.join(reportDir, 'report.json');
  console.log(`\n=== ${phase.name} on ${dialect} ===`);
  const result = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...phase.args,
      ...passThrough,
    ],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        TEST_DB: dialect,
        TEST_DATABASE_URL: postgresUrl,
        SKIP_WEB_BUILD: '1',
        SKIP_SERVER_BUILD: '1',
      },
    },
  );
  let passed = 0;
  let failed = 0;
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed = json.numPassedTests;
    failed = json.numFailedTests + (json.numRuntimeErrors ?? 0);
    if (json.numFailedTestSuites > 0 && failed === 0) failed = json.numFailedTestSuites;
  } catch {
    failed += 1;
  }
  if (result.status !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}

function runSuite(dialect) {
  const total = { passed: 0, failed: 0 };
  for (const phase of phases) {
    const outcome = runPhase(dialect, phase);
    total.passed += outcome.passed;
    total.failed += outcome.failed;
  }
  return total;
}

// Tests that start the server as a process (faults, CLI, shutdown) run the compiled server, and the
// browser tests the current web UI: both are built once here, not once per phase.
const builds = [
  { skip: 'SKIP_SERVER_BUILD', name: 'server build', args: ['tsc', '-p', 'tsconfig.build.json'] },
  { skip: 'SKIP_WEB_BUILD', name: 'web UI build', args: ['vite', 'build', '--logLevel', 'warn'] },
];
for (const build of builds) {
  if (process.env[build.skip] === '1') continue;
  if (spawnSync('npx', build.args, { stdio: 'inherit' }).status !== 0) {
    console.error(`${build.name} failed`);
    process.exit(1);
  }
}

const dialects = only ? [only] : ['sqlite', 'postgres'];
let passed = 0;
let failed = 0;
for (const dialect of dialects) {
  if (dialect === 'postgres' && !(await postgresReachable())) {
    if (isCi) {
      console.error(`PostgreSQL is not reachable at ${postgresUrl}: under CI this is a failure.`);
      failed += 1;
      continue;
    }
    console.warn(`\nSKIPPED the PostgreSQL pass: no server at ${postgresUrl} (set TEST_DATABASE_URL). CI runs it.`);
    continue;
  }
  const outcome = runSuite(dialect);
  console.log(`${dialect}: ${outcome.passed} passed, ${outcome.failed} failed`);
  passed += outcome.passed;
  failed += outcome.failed;
}
console.log(`\ntotal: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
