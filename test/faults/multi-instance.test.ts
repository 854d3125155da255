import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialect } from '../support/database.js';
import { DEFAULT_ROLE } from '../support/fixtures.js';
import { call } from './support/client.js';
import {
  bookMorning,
  doctorWithSession,
  freshPhone,
  loginPatient,
  registeredPatientToken,
  STAFF,
  staffToken,
} from './support/clinic.js';
import { type SpawnedServer, serverEnv, spawnServer } from './support/spawned-server.js';

/**
 * Several server processes on one PostgreSQL database behind a round-robin "balancer":
 * what one instance decides (logout, password change, lockout, places taken, request
 * count with REDIS_URL) every other instance honours.
 */
const onPostgres = testDialect() === 'postgres';
if (!onPostgres)
  console.log('[faults] several-instances test SKIPPED: it runs on the PostgreSQL pass only (SQLite is one process)');
const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

let testDatabase: TestDatabase;
const servers: SpawnedServer[] = [];
let admin: string;
/** Round robin over the instances, as a load balancer would spread requests. */
let turn = 0;
const next = (): string => servers[turn++ % servers.length]!.baseUrl;
const each = (): string[] => servers.map((server) => server.baseUrl);

beforeAll(async () => {
  if (!onPostgres) return;
  testDatabase = await createTestDatabase();
  const env = serverEnv(testDatabase.url, testDatabase.dataDir);
  servers.push(await spawnServer(env)); // the first migrates; the others find the schema current
  servers.push(...(await Promise.all([spawnServer(env), spawnServer(env)])));
  admin = await staffToken(servers[0]!.baseUrl);
}, 90_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.kill('SIGKILL')));
  await testDatabase?.drop();
});

async function newStaffUser(password: string): Promise<{ username: string; id: number }> {
  const roles = await call(next(), 'GET', `${STAFF}/roles`, { bearer: admin });
  const role = roles.body.roles.find((candidate: { name: string }) => candidate.name === DEFAULT_ROLE.consultant);
  const username = `multi_${freshPhone().slice(-6)}`;
  const created = await call(next(), 'POST', `${STAFF}/staff`, {
    bearer: admin,
    json: { username, display_name: username, password, role_id: Number(role.id) },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { username, id: Number(created.body.user.id) };
}

const menuStatus = async (baseUrl: string, token: string) =>
  (await call(baseUrl, 'GET', `${STAFF}/menu/`, { bearer: token })).status;
const profileStatus = async (baseUrl: string, token: string) =>
  (await call(baseUrl, 'GET', '/patient/', { bearer: token })).status;

describe.skipIf(!onPostgres)('three instances on one PostgreSQL database', () => {
  it('a staff logout on one instance is honoured by the others at once', async () => {
    const token = await staffToken(servers[0]!.baseUrl);
    expect(await Promise.all(each().map((url) => menuStatus(url, token)))).toEqual([200, 200, 200]);
    const logout = await call(servers[1]!.baseUrl, 'DELETE', `${STAFF}/token/`, { bearer: token, json: { token } });
    expect(logout.status, JSON.stringify(logout.body)).toBe(200);
    expect(await Promise.all(each().map((url) => menuStatus(url, token)))).toEqual([401, 401, 401]);
  });

  it("a portal password change on one instance revokes the patient's other tokens on all", async () => {
    const patient = await registeredPatientToken(servers[0]!.baseUrl);
    const other = (await loginPatient(servers[2]!.baseUrl, patient.phone, patient.password)).body.data.token as string;
    const changed = await call(servers[1]!.baseUrl, 'PUT', '/patient/password', {
      bearer: patient.token,
      json: { old_password: patient.password, new_password: 'changed-pass-2' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(await Promise.all(each().map((url) => profileStatus(url, other)))).toEqual([401, 401, 401]);
    expect(await Promise.all(each().map((url) => profileStatus(url, patient.token)))).toEqual([200, 200, 200]);
    expect((await loginPatient(servers[2]!.baseUrl, patient.phone, patient.password)).status).toBe(401);
    expect((await loginPatient(servers[0]!.baseUrl, patient.phone, 'changed-pass-2')).status).toBe(200);
  });

  it("a staff password reset on one instance revokes the account's tokens on all", async () => {
    const user = await newStaffUser('before-reset-1');
    const token = await staffToken(servers[0]!.baseUrl, user.username, 'before-reset-1');
    const reset = await call(servers[1]!.baseUrl, 'POST', `${STAFF}/staff/${user.id}/reset-password`, {
      bearer: admin,
      json: { password: 'after-reset-1' },
    });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(await Promise.all(each().map((url) => menuStatus(url, token)))).toEqual([401, 401, 401]);
    await staffToken(servers[2]!.baseUrl, user.username, 'after-reset-1');
  });

  it('a login lockout reached through several instances locks on all of them', async () => {
    const { username } = await newStaffUser('right-password-1');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const failed = await call(next(), 'POST', `${STAFF}/token/`, { json: { username, password: 'wrong-password' } });
      expect(failed.status).toBe(401);
    }
    const attempts = await Promise.all(
      each().map((url) => call(url, 'POST', `${STAFF}/token/`, { json: { username, password: 'right-password-1' } })),
    );
    expect(attempts.map((attempt) => attempt.status)).toEqual([429, 429, 429]);
    expect(attempts.every((attempt) => attempt.body.state_code === 42901)).toBe(true);
  });

  it('25 password guesses sent at once over the instances: at most 5 are checked, on both APIs', {
    timeout: 60_000,
  }, async () => {
    const { username } = await newStaffUser('right-password-1');
    const patient = await registeredPatientToken(next());
    const [staffAnswers, portalAnswers] = await Promise.all([
      Promise.all(
        Array.from({ length: 25 }, (_, index) =>
          call(next(), 'POST', `${STAFF}/token/`, { json: { username, password: `wrong-password-${index}` } }),
        ),
      ),
      Promise.all(Array.from({ length: 25 }, (_, index) => loginPatient(next(), patient.phone, `wrong-pass-${index}`))),
    ]);
    for (const answers of [staffAnswers, portalAnswers]) {
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 401).length, JSON.stringify(statuses)).toBeLessThanOrEqual(5);
      expect(
        statuses.filter((status) => status === 401 || status === 429),
        JSON.stringify(statuses),
      ).toHaveLength(25);
    }
    expect(
      (await Promise.all(each().map((url) => loginPatient(url, patient.phone, patient.password)))).map(
        (answer) => answer.status,
      ),
    ).toEqual([429, 429, 429]);
    const checked = (answers: { status: number }[]) => answers.filter((answer) => answer.status === 401).length;
    console.log(
      `[faults] several instances (postgres): 25 concurrent guesses over ${servers.length} instances: staff ${checked(staffAnswers)} checked, portal ${checked(portalAnswers)} checked, the rest 429`,
    );
  });

  it('concurrent bookings spread over the instances never overbook a session', { timeout: 60_000 }, async () => {
    const capacity = 4;
    const { doctorId, date } = await doctorWithSession(servers[0]!.baseUrl, admin, 6, capacity);
    const patients = [];
    for (let index = 0; index < 18; index += 1) patients.push(await registeredPatientToken(next()));
    const answers = await Promise.all(patients.map((patient) => bookMorning(next(), patient.token, doctorId, date)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(capacity);
    expect(statuses.filter((status) => status === 409)).toHaveLength(patients.length - capacity);
    const sessions = await call(next(), 'GET', `/patient/doctors/${doctorId}/sessions`, {
      query: { from: date, to: date },
    });
    expect(sessions.body.data.sessions[0]).toMatchObject({ capacity, booked: capacity, remaining: 0 });
    console.log(
      `[faults] several instances (postgres): ${patients.length} concurrent bookings over ${servers.length} instances for ${capacity} places: ${capacity} booked, ${patients.length - capacity} refused 409, no overbooking`,
    );
  });
});

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

describe.skipIf(!onPostgres)('request rate limit shared through Redis (REDIS_URL)', () => {
  it('counts one client across instances, and a Redis outage never turns requests into errors', {
    timeout: 90_000,
  }, async (context) => {
    if (!(await redisReachable())) {
      if (process.env.CI === 'true')
        throw new Error(`Redis is not reachable at ${REDIS_URL}: under CI this test must run`);
      console.log(`[faults] shared rate-limit test SKIPPED: no Redis at ${REDIS_URL} (set REDIS_TEST_URL)`);
      context.skip();
    }
    const limit = 6;
    const env = serverEnv(testDatabase.url, testDatabase.dataDir, {
      RATE_LIMIT_PER_MINUTE: String(limit),
      TRUST_PROXY: 'true',
    });
    const [first, second, noRedis] = await Promise.all([
      spawnServer({ ...env, REDIS_URL }),
      spawnServer({ ...env, REDIS_URL }),
      // Nothing listens on port 1: this instance's Redis is "down" from the start.
      spawnServer({ ...env, REDIS_URL: 'redis://127.0.0.1:1' }),
    ]);
    try {
      // A client address of this run only, so earlier runs' counters in Redis do not interfere.
      const client = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const asClient = (baseUrl: string, ip = client) =>
        call(baseUrl, 'GET', `${STAFF}/menu/`, { headers: { 'x-forwarded-for': ip } });
      const statuses: number[] = [];
      for (let index = 0; index < limit; index += 1)
        statuses.push((await asClient(index % 2 === 0 ? first!.baseUrl : second!.baseUrl)).status);
      expect(statuses).toEqual(Array(limit).fill(401));
      const limited = await Promise.all([asClient(first!.baseUrl), asClient(second!.baseUrl)]);
      expect(limited.map((answer) => answer.status)).toEqual([429, 429]);
      expect(limited.every((answer) => answer.body.state_code === 42902)).toBe(true);
      // Another client is not affected.
      expect((await asClient(second!.baseUrl, '192.0.2.77')).status).toBe(401);

      // Redis unreachable: requests pass (unlimited), promptly, never a 5xx.
      const unlimited = [];
      for (let index = 0; index < limit + 3; index += 1) unlimited.push(await asClient(noRedis!.baseUrl));
      expect(unlimited.map((answer) => answer.status)).toEqual(Array(limit + 3).fill(401));
      expect(Math.max(...unlimited.map((answer) => answer.ms))).toBeLessThan(2000);
      console.log(
        `[faults] shared rate limit (Redis): limit ${limit}/min reached over 2 instances, 429 on both; with Redis down ${unlimited.length} requests passed, none 5xx`,
      );
    } finally {
      await Promise.all([first, second, noRedis].map((server) => server?.kill('SIGKILL')));
    }
  });
});
