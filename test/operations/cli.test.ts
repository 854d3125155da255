import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/cli/demo-data.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { printedPassword, runCli } from './cli-support.js';

let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  // The CLI works on the running server's own database, as an operator's would.
  env = { DATABASE_URL: server.config.databaseUrl, DATA_DIR: server.config.dataDir };
});
afterAll(async () => server?.close());

const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCli(args, { ...env, ...extraEnv }, server.config.dataDir);

describe('carepool usage and exit codes', () => {
  it('prints usage (exit 0 for help) and refuses unknown commands, missing or unknown options and bad configuration with exit 2', async () => {
    // Independent processes: run them side by side to keep the suite quick.
    const [help, none, unknown, missing, unknownOption, shortPassword, badConfig] = await Promise.all([
      cli(['help']),
      cli([]),
      cli(['frobnicate']),
      cli(['create-admin']),
      cli(['create-admin', '--username', 'x_admin', '--colour', 'red']),
      cli(['create-admin', '--username', 'x_admin', '--password', 'short']),
      cli(['migrate'], { DATABASE_URL: 'mysql://nope' }),
    ]);
    expect(help.code).toBe(0);
    for (const command of ['migrate', 'create-admin', 'reset-password', 'backup', 'restore', 'seed-demo'])
      expect(help.stdout).toContain(command);
    expect([none.code, none.stdout]).toEqual([2, expect.stringContaining('Usage: carepool')]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('Unknown command "frobnicate"')]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('--username is required')]);
    expect([unknownOption.code, unknownOption.stderr]).toEqual([
      2,
      expect.stringContaining('unknown argument "--colour"'),
    ]);
    expect([shortPassword.code, shortPassword.stderr]).toEqual([2, expect.stringContaining('8 to 128')]);
    expect([badConfig.code, badConfig.stderr]).toEqual([2, expect.stringContaining('DATABASE_URL')]);
    const accounts = await server.database.db
      .selectFrom('staff_users')
      .select('username')
      .where('username', '=', 'x_admin')
      .execute();
    expect(accounts).toEqual([]);
  });
});

describe('carepool migrate', () => {
  let fresh: TestDatabase;
  beforeAll(async () => {
    fresh = await createTestDatabase();
  });
  afterAll(async () => fresh?.drop());

  it('applies every migration to an empty database, then reports it up to date', async () => {
    const first = await runCli(['migrate'], { DATABASE_URL: fresh.url, DATA_DIR: fresh.dataDir }, fresh.dataDir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Applied: 0001_initial, .*0006_statistics/);
    const second = await runCli(['migrate'], { DATABASE_URL: fresh.url, DATA_DIR: fresh.dataDir }, fresh.dataDir);
    expect([second.code, second.stdout.trim()]).toEqual([0, 'Database schema is up to date.']);
  });
});

describe('carepool create-admin and reset-password', () => {
  it('creates an administrator with a random password printed once, who can sign in; refuses a duplicate', async () => {
    const created = await cli(['create-admin', '--username', 'ops_admin']);
    expect(created.code, created.stderr).toBe(0);
    const password = printedPassword(created.stdout);
    const token = await staffLogin(server.http, 'ops_admin', password);
    const users = await server.http.get(`${STAFF}/staff`, { bearer: token });
    expect(users.status).toBe(200);
    const again = await cli(['create-admin', '--username', 'ops_admin', '--password', 'another-password']);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('already exists')]);
  });

  it('resets a password: the old password and every open session stop working, the new one signs in', async () => {
    expect((await cli(['create-admin', '--username', 'ops_reset', '--password', 'first-password-1'])).code).toBe(0);
    const oldToken = await staffLogin(server.http, 'ops_reset', 'first-password-1');
    expect((await server.http.get(`${STAFF}/menu/`, { bearer: oldToken })).status).toBe(200);

    const reset = await cli(['reset-password', '--username', 'ops_reset']);
    expect(reset.code, reset.stderr).toBe(0);
    const newPassword = printedPassword(reset.stdout);
    expect((await server.http.get(`${STAFF}/menu/`, { bearer: oldToken })).status).toBe(401);
    expect(
      (await server.http.post(`${STAFF}/token/`, { json: { username: 'ops_reset', password: 'first-password-1' } }))
        .status,
    ).toBe(401);
    await staffLogin(server.http, 'ops_reset', newPassword);

    const chosen = await cli(['reset-password', '--username', 'ops_reset', '--password', 'chosen-password-2']);
    expect([chosen.code, chosen.stdout]).toEqual([0, expect.stringContaining('with the password given')]);
    expect(chosen.stdout).not.toContain('chosen-password-2');
    await staffLogin(server.http, 'ops_reset', 'chosen-password-2');
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select('actor_type')
      .where('action', '=', 'staff_user.password_reset')
      .execute();
    expect(audit.map((row) => row.actor_type)).toEqual(['system', 'system']);
  });

  it('lifts the lockout of the account it resets; exit 1 for an unknown account', async () => {
    expect((await cli(['create-admin', '--username', 'ops_locked', '--password', 'locked-password-1'])).code).toBe(0);
    for (let attempt = 0; attempt < 6; attempt += 1) {
      await server.http.post(`${STAFF}/token/`, { json: { username: 'ops_locked', password: 'wrong-password' } });
    }
    expect(
      (await server.http.post(`${STAFF}/token/`, { json: { username: 'ops_locked', password: 'locked-password-1' } }))
        .status,
    ).toBe(429);
    const [reset, unknown] = await Promise.all([
      cli(['reset-password', '--username', 'ops_locked', '--password', 'unlocked-password-1']),
      cli(['reset-password', '--username', 'nobody_here']),
    ]);
    expect(reset.code, reset.stderr).toBe(0);
    await staffLogin(server.http, 'ops_locked', 'unlocked-password-1');
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('no staff account "nobody_here"')]);
  });
});

describe('carepool seed-demo', () => {
  it('builds a demo clinic the staff can sign in to, and refuses to run twice', async () => {
    const seeded = await cli(['seed-demo']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain(DEMO_PASSWORD);

    const manager = await staffLogin(server.http, 'demo_manager', DEMO_PASSWORD);
    const all = await server.http.get(`${STAFF}/patient/`, { bearer: manager, query: { page_size: 1 } });
    expect(all.body.total).toBe(200);
    const consultant = await staffLogin(server.http, 'demo_consultant1', DEMO_PASSWORD);
    const own = await server.http.get(`${STAFF}/patient/`, { bearer: consultant, query: { page_size: 1 } });
    expect(own.body.total).toBeGreaterThan(50);
    expect(own.body.total).toBeLessThan(150);
    for (const username of ['demo_admin', 'demo_frontdesk', 'demo_consultant2'])
      await staffLogin(server.http, username, DEMO_PASSWORD);

    const db = server.database.db;
    const count = async (table: 'visits' | 'follow_ups' | 'appointments' | 'doctor_weekly_sessions') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('visits')).toBeGreaterThan(40);
    expect(await count('follow_ups')).toBeGreaterThan(50);
    expect(await count('appointments')).toBeGreaterThan(0);
    expect(await count('doctor_weekly_sessions')).toBeGreaterThan(0);
    const spread = await db
      .selectFrom('patients')
      .select((eb) => [eb.fn.min('add_time').as('first'), eb.fn.max('add_time').as('last')])
      .executeTakeFirstOrThrow();
    expect(Number(spread.last) - Number(spread.first)).toBeGreaterThan(60 * 86_400);

    // Diseases fit the patient's sex: no man with 子宫肌瘤, no woman with 男性不育 (issue 17).
    const bySexAndDepartment = await db
      .selectFrom('patients')
      .innerJoin('diseases', 'diseases.id', 'patients.disease_id')
      .innerJoin('departments', 'departments.id', 'diseases.department_id')
      .select(['patients.sex', 'departments.name as department', 'diseases.name as disease'])
      .execute();
    const contradictions = bySexAndDepartment.filter(
      (row) =>
        (Number(row.sex) === 0 && row.department === '妇科') || (Number(row.sex) === 1 && row.department === '男科'),
    );
    expect(contradictions).toEqual([]);
    const seen = new Set(bySexAndDepartment.map((row) => `${row.sex}:${row.department}`));
    // Both sexes are there and each sex-specific department still has its patients.
    expect(seen).toContain('1:妇科');
    expect(seen).toContain('0:男科');

    const twice = await cli(['seed-demo']);
    expect([twice.code, twice.stderr]).toEqual([1, expect.stringContaining('already there')]);
    expect(await count('appointments')).toBeLessThanOrEqual(12);
  });
});
