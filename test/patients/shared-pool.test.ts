import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin, uniquePhone, unixNow } from '../support/fixtures.js';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';

/*
 * 公海: with POOL_RETURN_DAYS set, a consultant's patient who has had no follow-up for that many
 * days (and has not arrived, nor a booking ahead) returns to the shared pool, audited; any
 * holder of patients:pool may claim one, audited, and of concurrent claims exactly one wins.
 * The rule is off unless configured.
 */

const DAY = 86_400;
let server: TestServer;
let admin: string;
let owner: { id: number; token: string };
let claimers: { id: number; token: string }[];
const ids: Record<string, number> = {};

async function register(token: string, name: string, extra: Record<string, unknown> = {}) {
  const response = await server.http.post(`${STAFF}/patient/`, {
    json: { token, name, tel: uniquePhone(), state: 0, ...extra },
  });
  expect(response.status, response.text).toBe(201);
  return Number(response.body.newPatient.id);
}

/** One pass of the app's background jobs as this server's configuration builds them. */
async function runJobsOnce() {
  const composition = compose(server.config, server.database, TEST_JWT_SECRET, server.app.log);
  expect(composition.jobs.names).toContain('shared-pool');
  await composition.jobs.start();
  await composition.jobs.stop();
}

const pool = (token: string, query: Record<string, string | number> = {}) =>
  server.http.get(`${STAFF}/patient/pool`, { bearer: token, query: { page_size: 100, ...query } });
const claim = (token: string, id: number) =>
  server.http.post(`${STAFF}/patient/${id}/claim`, { bearer: token, json: {} });

beforeAll(async () => {
  server = await startTestServer({ POOL_RETURN_DAYS: '30' });
  admin = await staffLogin(server.http);
  owner = await createStaffUser(server, 'pool_owner', DEFAULT_ROLE.consultant);
  claimers = [];
  for (let index = 0; index < 8; index += 1)
    claimers.push(await createStaffUser(server, `pool_claimer_${index}`, DEFAULT_ROLE.consultant));
  const now = unixNow();
  const old = now - 40 * DAY;
  ids.idle = await register(owner.token, '久未联系', { add_time: old });
  ids.idleLost = await register(owner.token, '流失久未联系', { add_time: old, state: 2 });
  ids.contacted = await register(owner.token, '近期回访', { add_time: old });
  ids.arrived = await register(owner.token, '已到诊', { add_time: old, state: 1, reach_time: old + DAY });
  ids.bookedAhead = await register(owner.token, '有预约', { add_time: old, order_time: now + 3 * DAY });
  ids.recent = await register(owner.token, '新登记', { add_time: now - 10 * DAY });
  ids.deleted = await register(owner.token, '已删除', { add_time: old });
  ids.staleContact = await register(owner.token, '回访已久', { add_time: old });
  const contact = async (patientId: number, at: number) => {
    const response = await server.http.post(`${STAFF}/patient/${patientId}/follow-ups`, {
      bearer: owner.token,
      json: { contact_time: at, way: '电话', content: '回访' },
    });
    expect(response.status, response.text).toBe(201);
  };
  await contact(ids.contacted!, now - 5 * DAY);
  await contact(ids.staleContact!, now - 35 * DAY);
  expect((await server.http.delete(`${STAFF}/patient/${ids.deleted}`, { bearer: admin })).status).toBe(200);
  const portal = await server.http.post('/patient/register', {
    json: { phone: uniquePhone(), password: 'portal-pass-1', name: '自助注册' },
  });
  expect(portal.status, portal.text).toBe(200);
  ids.portal = (
    await server.database.db
      .selectFrom('patients')
      .select('id')
      .where('name', '=', '自助注册')
      .executeTakeFirstOrThrow()
  ).id;
  await runJobsOnce();
});
afterAll(async () => server?.close());

describe('the POOL_RETURN_DAYS rule', () => {
  it("returns a consultant's idle patients to the pool, and only those, audited", async () => {
    const rows = await server.database.db
      .selectFrom('patients')
      .select(['id', 'author_id', 'pooled_at'])
      .where('id', 'in', Object.values(ids))
      .execute();
    const holder = Object.fromEntries(rows.map((row) => [row.id, row.author_id]));
    const returned = [ids.idle, ids.idleLost, ids.staleContact];
    for (const [name, id] of Object.entries(ids)) {
      const expected = returned.includes(id) || name === 'portal' ? null : owner.id;
      expect(holder[id!], name).toBe(expected);
    }
    expect(
      rows
        .filter((row) => row.pooled_at !== null)
        .map((row) => row.id)
        .sort(),
    ).toEqual([...returned].sort((a, b) => a! - b!));
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select(['actor_type', 'details'])
      .where('action', '=', 'patient.pool_return')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_type).toBe('system');
    expect(JSON.parse(audit[0]!.details!)).toMatchObject({
      days: 30,
      count: 3,
      byConsultant: { [owner.id]: 3 },
      ids: [...returned].sort((a, b) => a! - b!),
    });
    // The consultant's list and total (the rollup's author row) no longer hold them.
    const own = await server.http.get(`${STAFF}/patient/`, { bearer: owner.token });
    expect(own.body.total).toBe(4);
    // A second pass finds nothing more.
    await runJobsOnce();
    expect(
      await server.database.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'patient.pool_return')
        .execute(),
    ).toHaveLength(1);
  });

  it('is off unless configured', () => {
    const config = loadConfig({ ...process.env, DATABASE_URL: server.config.databaseUrl, POOL_RETURN_DAYS: '' });
    expect(config.poolReturnDays).toBe(0);
    expect(compose(config, server.database, TEST_JWT_SECRET, server.app.log).jobs.names).not.toContain('shared-pool');
    for (const value of ['-1', 'x', '3651'])
      expect(() => loadConfig({ POOL_RETURN_DAYS: value })).toThrow('POOL_RETURN_DAYS');
  });
});

describe('GET patient/pool and POST patient/:id/claim', () => {
  it('lists the pool, portal self-registrations included, to holders of patients:pool only', async () => {
    const response = await pool(claimers[0]!.token);
    expect(response.status, response.text).toBe(200);
    const listed = response.body.patients.map((row: any) => row.name).sort();
    expect(listed).toEqual(['久未联系', '回访已久', '流失久未联系', '自助注册'].sort());
    const idle = response.body.patients.find((row: any) => row.name === '久未联系');
    expect(idle).toMatchObject({ authorId: null, pooledAt: expect.any(String), lastContactAt: null });
    expect(response.body.patients.find((row: any) => row.name === '自助注册').pooledAt).toBeNull();
    const frontDesk = await createStaffUser(server, 'pool_front', DEFAULT_ROLE.frontDesk);
    expect((await pool(frontDesk.token)).status).toBe(403);
    expect((await claim(frontDesk.token, ids.idle!)).status).toBe(403);
  });

  it('gives a pooled patient to the one claimer, audited; a second claim is refused', async () => {
    const [first, second] = claimers as [{ id: number; token: string }, { id: number; token: string }];
    const claimed = await claim(first.token, ids.idleLost!);
    expect(claimed.status, claimed.text).toBe(200);
    expect(claimed.body.patient).toMatchObject({ id: String(ids.idleLost), authorId: String(first.id) });
    const again = await claim(second.token, ids.idleLost!);
    expect(again.status).toBe(409);
    expect(again.body.state_code).toBe(40901);
    expect((await server.http.get(`${STAFF}/patient/${ids.idleLost}`, { bearer: first.token })).status).toBe(200);
    expect((await claim(first.token, ids.contacted!)).status).toBe(409);
    expect((await claim(first.token, ids.deleted!)).status).toBe(404);
    expect((await claim(first.token, 987_654_321)).status).toBe(404);
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'target_id', 'outcome'])
      .where('action', '=', 'patient.pool_claim')
      .execute();
    expect(audit).toEqual([{ actor_id: first.id, target_id: String(ids.idleLost), outcome: 'success' }]);
  });

  it('lets exactly one of many concurrent claimers win', async () => {
    for (const target of [ids.idle!, ids.portal!]) {
      const answers = await Promise.all(claimers.map((claimer) => claim(claimer.token, target)));
      const winners = answers.flatMap((answer, index) => (answer.status === 200 ? [claimers[index]!] : []));
      expect(winners, JSON.stringify(answers.map((answer) => answer.status))).toHaveLength(1);
      expect(answers.filter((answer) => answer.status === 409)).toHaveLength(claimers.length - 1);
      const row = await server.database.db
        .selectFrom('patients')
        .select(['author_id', 'pooled_at'])
        .where('id', '=', target)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ author_id: winners[0]!.id, pooled_at: null });
      const audits = await server.database.db
        .selectFrom('audit_log')
        .select('actor_id')
        .where('action', '=', 'patient.pool_claim')
        .where('target_id', '=', String(target))
        .execute();
      expect(audits).toEqual([{ actor_id: winners[0]!.id }]);
    }
    const left = await pool(claimers[0]!.token);
    expect(left.body.patients.map((row: any) => row.name)).toEqual(['回访已久']);
  });
});
