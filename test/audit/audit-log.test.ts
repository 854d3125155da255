import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: string;
let adminId: number;
const startedAt = Date.now();

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  adminId = (
    await server.database.db
      .selectFrom('staff_users')
      .select('id')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow()
  ).id;
  await server.http.post(`${STAFF}/token/`, { json: { username: 'admin', password: 'wrong-password-1' } });
});
afterAll(async () => server?.close());

type Entry = {
  id: string;
  action: string;
  actorUsername: string | null;
  actorId: string | null;
  outcome: string;
  occurredAt: number;
  time: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown> | null;
};
const logs = async (query: Record<string, string | number | boolean>, token = admin) =>
  server.http.get(`${STAFF}/logs/`, { query: { token, ...query } });

describe('GET logs/', () => {
  it('answers entries newest first with the staff actor joined', async () => {
    const response = await logs({});
    expect(response.status).toBe(200);
    const entries = response.body.entries as Entry[];
    expect(response.body.total).toBeGreaterThanOrEqual(2);
    const times = entries.map((entry) => entry.occurredAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const login = entries.find((entry) => entry.action === 'staff.login');
    expect(login).toMatchObject({
      actorUsername: 'admin',
      actorId: String(adminId),
      outcome: 'success',
      targetType: 'staff_user',
    });
    expect(login?.time).toBe(new Date(login?.occurredAt ?? 0).toISOString());
    expect(JSON.stringify(entries)).not.toMatch(/wrong-password-1|admin-password-1/);
  });

  it('filters by action, outcome, actor, target and time, and pages', async () => {
    const failed = await logs({ outcome: 'failure' });
    expect((failed.body.entries as Entry[]).map((entry) => entry.action)).toContain('staff.login_failed');
    expect((failed.body.entries as Entry[]).every((entry) => entry.outcome === 'failure')).toBe(true);

    const created = await server.http.post(`${STAFF}/roles/`, { json: { token: admin, name: '审计测试角色' } });
    const roleId = created.body.role.id as string;
    const byTarget = await logs({ target_type: 'role', target_id: roleId });
    expect((byTarget.body.entries as Entry[]).map((entry) => entry.action)).toEqual(['role.create']);
    expect(byTarget.body.entries[0].details).toEqual({ name: '审计测试角色' });

    const byActor = await logs({ actor_id: adminId, action: 'role.create' });
    expect(byActor.body.total).toBe(1);
    const byType = await logs({ actor_type: 'anonymous' });
    expect((byType.body.entries as Entry[]).every((entry) => entry.actorId === null)).toBe(true);

    const future = await logs({ from: Date.now() + 60_000 });
    expect(future.body.total).toBe(0);
    const window = await logs({ from: startedAt - 1000, to: Date.now() + 1000, page_size: 1, page: 2 });
    expect(window.body.entries).toHaveLength(1);
    expect(window.body.pageSize).toBe(1);
  });

  it.each([
    [{ target_id: '5' }, 44001],
    [{ actor_type: 'robot' }, 40001],
    [{ outcome: 'maybe' }, 40001],
    [{ from: 'yesterday' }, 40001],
    [{ from: 2000, to: 1000 }, 40001],
    [{ page_size: 1000 }, 40001],
    [{ action: "x' or 1=1 --" }, 40001],
  ])('refuses %j with 400 (%i)', async (query, code) => {
    const response = await logs(query as Record<string, string | number>);
    expect(response.status).toBe(400);
    expect(response.body.state_code).toBe(code);
  });

  it('is readable with logs:view only (consultant 48001, manager 200) and offers no way to change entries', async () => {
    const consultant = await createStaffUser(server, 'audit_consultant', DEFAULT_ROLE.consultant);
    const denied = await logs({}, consultant.token);
    expect(denied.status).toBe(403);
    expect(denied.body.state_code).toBe(48001);
    const manager = await createStaffUser(server, 'audit_manager', DEFAULT_ROLE.manager);
    expect((await logs({}, manager.token)).status).toBe(200);
    const before = await server.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (const method of ['delete', 'patch', 'put', 'post'] as const) {
      const response = await server.http[method](`${STAFF}/logs/`, { json: { token: admin } });
      expect(response.status, method).toBe(405);
    }
    const after = await server.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
