import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatientBody, createStaffUser, DEFAULT_ROLE, STAFF, staffLogin } from '../support/fixtures.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: string;
let roleIds: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  const roles = await server.http.get(`${STAFF}/roles/`, { query: { token: admin } });
  roleIds = Object.fromEntries(roles.body.roles.map((role: { name: string; id: string }) => [role.name, role.id]));
});
afterAll(async () => server?.close());

const auditRows = (action: string, targetId?: string) => {
  let query = server.database.db.selectFrom('audit_log').selectAll().where('action', '=', action);
  if (targetId !== undefined) query = query.where('target_id', '=', targetId);
  return query.execute();
};

async function createUser(username: string, roleName: string = DEFAULT_ROLE.consultant, password = 'initial-pass-1') {
  const response = await server.http.post(`${STAFF}/staff/`, {
    json: { token: admin, username, display_name: `员工 ${username}`, password, role_id: roleIds[roleName] },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.user as { id: string; username: string };
}

describe('staff accounts: create, read, list', () => {
  it('creates an account (JSON or form), never returns a hash, and audits it', async () => {
    const user = await createUser('alice_01');
    expect(user).toMatchObject({
      username: 'alice_01',
      displayName: '员工 alice_01',
      roleName: DEFAULT_ROLE.consultant,
      isActive: true,
    });
    expect(JSON.stringify(user)).not.toMatch(/argon|hash|password/i);
    const form = await server.http.post(`${STAFF}/staff`, {
      form: {
        token: admin,
        username: 'bob_form',
        display_name: '鲍勃',
        password: 'form-pass-01',
        role_id: roleIds[DEFAULT_ROLE.frontDesk],
      },
    });
    expect(form.status).toBe(201);
    expect(form.body.user.roleName).toBe(DEFAULT_ROLE.frontDesk);
    const fetched = await server.http.get(`${STAFF}/staff/${user.id}`, { query: { token: admin } });
    expect(fetched.status).toBe(200);
    expect(fetched.body.user.username).toBe('alice_01');
    const [row] = await auditRows('staff_user.create', user.id);
    expect(row?.outcome).toBe('success');
    expect(row?.details).not.toMatch(/initial-pass-1/);
    expect(await staffLogin(server.http, 'alice_01', 'initial-pass-1')).toBeTruthy();
  });

  it('lists with paging and filters by role, active flag and keyword', async () => {
    await createUser('listed_a', DEFAULT_ROLE.manager);
    await createUser('listed_b', DEFAULT_ROLE.manager);
    const byRole = await server.http.get(`${STAFF}/staff/`, {
      query: { token: admin, role_id: roleIds[DEFAULT_ROLE.manager], page_size: 1 },
    });
    expect(byRole.status).toBe(200);
    expect(byRole.body.total).toBe(2);
    expect(byRole.body.users).toHaveLength(1);
    const byKeyword = await server.http.get(`${STAFF}/staff/`, { query: { token: admin, keyword: 'LISTED_' } });
    expect(byKeyword.body.users.map((u: { username: string }) => u.username).sort()).toEqual(['listed_a', 'listed_b']);
    const wildcard = await server.http.get(`${STAFF}/staff/`, { query: { token: admin, keyword: '%' } });
    expect(wildcard.body.total).toBe(0);
    const inactive = await server.http.get(`${STAFF}/staff/`, { query: { token: admin, active: false } });
    expect(inactive.body.users.every((u: { isActive: boolean }) => !u.isActive)).toBe(true);
  });

  it.each([
    [{ username: 'ab', display_name: 'x', password: 'long-enough-1', role_id: 1 }, 40001],
    [{ username: 'bad name', display_name: 'x', password: 'long-enough-1', role_id: 1 }, 40001],
    [{ username: 'short_pw', display_name: 'x', password: 'short', role_id: 1 }, 40001],
    [{ username: 'long_pw', display_name: 'x', password: 'x'.repeat(129), role_id: 1 }, 40001],
    [{ username: 'blank_name', display_name: '   ', password: 'long-enough-1', role_id: 1 }, 40001],
    [{ username: 'ctrl_name', display_name: 'a\u0000b', password: 'long-enough-1', role_id: 1 }, 40001],
    [{ username: 'no_role', display_name: 'x', password: 'long-enough-1', role_id: 99999 }, 40001],
    [{ username: 'role_text', display_name: 'x', password: 'long-enough-1', role_id: 'abc' }, 40001],
    [{ display_name: 'x', password: 'long-enough-1', role_id: 1 }, 44001],
  ])('refuses %j with 400 / %i and writes nothing', async (body, code) => {
    const response = await server.http.post(`${STAFF}/staff/`, { json: { token: admin, ...body } });
    expect(response.status).toBe(400);
    expect(response.body.state_code).toBe(code);
    const username = (body as { username?: string }).username;
    if (username)
      expect(
        await server.database.db.selectFrom('staff_users').select('id').where('username', '=', username).execute(),
      ).toEqual([]);
  });

  it('refuses malformed JSON and a taken username (ignoring case) without an audit row', async () => {
    const malformed = await server.http.post(`${STAFF}/staff/`, {
      raw: '{"username": ',
      contentType: 'application/json',
      bearer: admin,
    });
    expect(malformed.status).toBe(400);
    const before = (await auditRows('staff_user.create')).length;
    const taken = await server.http.post(`${STAFF}/staff/`, {
      json: {
        token: admin,
        username: 'ALICE_01',
        display_name: 'x',
        password: 'long-enough-1',
        role_id: roleIds[DEFAULT_ROLE.consultant],
      },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.state_code).toBe(40901);
    expect((await auditRows('staff_user.create')).length).toBe(before);
  });

  it('answers 404 for an unknown account and 400 for a non-numeric id', async () => {
    expect((await server.http.get(`${STAFF}/staff/99999`, { query: { token: admin } })).status).toBe(404);
    expect((await server.http.get(`${STAFF}/staff/abc`, { query: { token: admin } })).status).toBe(400);
  });
});

describe('staff accounts: who may', () => {
  it('refuses a consultant (48001) on every staff route; the manager may read but not change', async () => {
    const consultant = await createStaffUser(server, 'deny_consult', DEFAULT_ROLE.consultant);
    const target = await createUser('deny_target');
    const attempts = [
      server.http.get(`${STAFF}/staff/`, { query: { token: consultant.token } }),
      server.http.get(`${STAFF}/staff/${target.id}`, { query: { token: consultant.token } }),
      server.http.post(`${STAFF}/staff/`, {
        json: { token: consultant.token, username: 'sneaky', display_name: 'x', password: 'long-enough-1', role_id: 1 },
      }),
      server.http.patch(`${STAFF}/staff/${target.id}`, { json: { token: consultant.token, is_active: false } }),
      server.http.post(`${STAFF}/staff/${target.id}/reset-password`, {
        json: { token: consultant.token, password: 'long-enough-1' },
      }),
      server.http.delete(`${STAFF}/staff/${target.id}`, { json: { token: consultant.token } }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect(response.body.state_code).toBe(48001);
    }
    const manager = await createStaffUser(server, 'deny_manager', DEFAULT_ROLE.manager);
    expect((await server.http.get(`${STAFF}/staff/`, { query: { token: manager.token } })).status).toBe(200);
    const change = await server.http.patch(`${STAFF}/staff/${target.id}`, {
      json: { token: manager.token, display_name: '改名' },
    });
    expect(change.body.state_code).toBe(48001);
    expect(
      (
        await server.database.db
          .selectFrom('staff_users')
          .select('display_name')
          .where('id', '=', Number(target.id))
          .executeTakeFirst()
      )?.display_name,
    ).toBe('员工 deny_target');
  });
});

describe('staff accounts: disable, reset, delete', () => {
  it('disabling revokes the existing token at once and refuses sign-in; enabling lets them back', async () => {
    const user = await createUser('to_disable', DEFAULT_ROLE.consultant, 'disable-pass-1');
    const token = await staffLogin(server.http, 'to_disable', 'disable-pass-1');
    expect((await server.http.get(`${STAFF}/menu/`, { query: { token } })).status).toBe(200);
    const disabled = await server.http.patch(`${STAFF}/staff/${user.id}`, {
      form: { token: admin, is_active: 'false' },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body.user.isActive).toBe(false);
    const after = await server.http.get(`${STAFF}/menu/`, { query: { token } });
    expect(after.status).toBe(401);
    expect([40014, 40301]).toContain(after.body.state_code);
    const login = await server.http.post(`${STAFF}/token/`, {
      json: { username: 'to_disable', password: 'disable-pass-1' },
    });
    expect(login.status).toBe(403);
    expect(login.body.state_code).toBe(40301);
    const [row] = await auditRows('staff_user.update', user.id);
    expect(JSON.parse(row?.details ?? '{}').changed.isActive).toEqual({ before: true, after: false });
    await server.http.patch(`${STAFF}/staff/${user.id}`, { json: { token: admin, is_active: true } });
    expect(await staffLogin(server.http, 'to_disable', 'disable-pass-1')).toBeTruthy();
  });

  it('a role change takes effect on the next request', async () => {
    const user = await createUser('role_mover', DEFAULT_ROLE.consultant, 'mover-pass-1');
    const token = await staffLogin(server.http, 'role_mover', 'mover-pass-1');
    expect((await server.http.get(`${STAFF}/staff/`, { query: { token } })).status).toBe(403);
    await server.http.patch(`${STAFF}/staff/${user.id}`, {
      json: { token: admin, role_id: Number(roleIds[DEFAULT_ROLE.manager]) },
    });
    expect((await server.http.get(`${STAFF}/staff/`, { query: { token } })).status).toBe(200);
  });

  it('a password reset revokes every token of the account; the new password signs in', async () => {
    const user = await createUser('to_reset', DEFAULT_ROLE.consultant, 'old-pass-123');
    const first = await staffLogin(server.http, 'to_reset', 'old-pass-123');
    const second = await staffLogin(server.http, 'to_reset', 'old-pass-123');
    const reset = await server.http.post(`${STAFF}/staff/${user.id}/reset-password`, {
      json: { token: admin, password: 'new-pass-456' },
    });
    expect(reset.status).toBe(200);
    for (const token of [first, second])
      expect((await server.http.get(`${STAFF}/menu/`, { query: { token } })).body.state_code).toBe(40014);
    expect(
      (await server.http.post(`${STAFF}/token/`, { json: { username: 'to_reset', password: 'old-pass-123' } })).body
        .state_code,
    ).toBe(46005);
    expect(await staffLogin(server.http, 'to_reset', 'new-pass-456')).toBeTruthy();
    const [row] = await auditRows('staff_user.password_reset', user.id);
    expect(row?.details).not.toMatch(/new-pass-456/);
    const short = await server.http.post(`${STAFF}/staff/${user.id}/reset-password`, {
      json: { token: admin, password: 'short' },
    });
    expect(short.status).toBe(400);
  });

  it('deletes an unused account (its token dies); refuses self, the last administrator, and authors of patients', async () => {
    const spare = await createUser('to_delete', DEFAULT_ROLE.frontDesk, 'delete-pass-1');
    const token = await staffLogin(server.http, 'to_delete', 'delete-pass-1');
    const deleted = await server.http.delete(`${STAFF}/staff/${spare.id}`, { json: { token: admin } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true, id: spare.id });
    expect((await server.http.get(`${STAFF}/menu/`, { query: { token } })).status).toBe(401);
    expect((await server.http.get(`${STAFF}/staff/${spare.id}`, { query: { token: admin } })).status).toBe(404);
    expect(await auditRows('staff_user.delete', spare.id)).toHaveLength(1);

    const adminRow = await server.database.db
      .selectFrom('staff_users')
      .select('id')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    const self = await server.http.delete(`${STAFF}/staff/${adminRow.id}`, { bearer: admin });
    expect(self.status).toBe(409);

    // A second administrator cannot delete or disable the first while it is the last enabled one.
    const second = await createUser('second_admin', DEFAULT_ROLE.administrator, 'second-admin-1');
    const secondToken = await staffLogin(server.http, 'second_admin', 'second-admin-1');
    await server.http.patch(`${STAFF}/staff/${second.id}`, { json: { token: admin, is_active: false } });
    const reEnable = await server.http.patch(`${STAFF}/staff/${second.id}`, {
      json: { token: admin, is_active: true },
    });
    expect(reEnable.status).toBe(200);
    const secondTokenAgain = await staffLogin(server.http, 'second_admin', 'second-admin-1');
    expect(secondToken).not.toBe(secondTokenAgain);
    await server.http.patch(`${STAFF}/staff/${second.id}`, {
      json: { token: admin, role_id: Number(roleIds[DEFAULT_ROLE.manager]) },
    });
    const demoteLast = await server.http.patch(`${STAFF}/staff/${adminRow.id}`, {
      json: { token: admin, role_id: Number(roleIds[DEFAULT_ROLE.manager]) },
    });
    expect(demoteLast.status).toBe(409);
    expect(
      (await server.http.get(`${STAFF}/staff/${adminRow.id}`, { query: { token: admin } })).body.user.roleName,
    ).toBe(DEFAULT_ROLE.administrator);

    const author = await createUser('author_user', DEFAULT_ROLE.consultant, 'author-pass-1');
    const authorToken = await staffLogin(server.http, 'author_user', 'author-pass-1');
    expect(
      (await server.http.post(`${STAFF}/patient/`, { json: { token: authorToken, ...createPatientBody() } })).status,
    ).toBe(201);
    const refused = await server.http.delete(`${STAFF}/staff/${author.id}`, { json: { token: admin } });
    expect(refused.status).toBe(409);
    expect(refused.body.msg).toMatch(/停用/);
    expect(await auditRows('staff_user.delete', author.id)).toHaveLength(0);
    expect((await server.http.get(`${STAFF}/menu/`, { query: { token: authorToken } })).status).toBe(200);
  });

  it('refuses to disable oneself and an empty PATCH', async () => {
    const adminRow = await server.database.db
      .selectFrom('staff_users')
      .select('id')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    expect(
      (await server.http.patch(`${STAFF}/staff/${adminRow.id}`, { json: { token: admin, is_active: false } })).status,
    ).toBe(409);
    const empty = await server.http.patch(`${STAFF}/staff/${adminRow.id}`, { json: { token: admin } });
    expect(empty.status).toBe(400);
    expect(empty.body.state_code).toBe(44001);
  });
});

describe('PUT staff/me/password', () => {
  it('changes the own password, ends the other sessions and keeps this one', async () => {
    await createStaffUser(server, 'self_changer', DEFAULT_ROLE.consultant, 'self-pass-001');
    const current = await staffLogin(server.http, 'self_changer', 'self-pass-001');
    const other = await staffLogin(server.http, 'self_changer', 'self-pass-001');
    const wrong = await server.http.put(`${STAFF}/staff/me/password`, {
      json: { token: current, old_password: 'not-it-0000', new_password: 'self-pass-002' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.field).toBe('old_password');
    const short = await server.http.put(`${STAFF}/staff/me/password`, {
      json: { token: current, old_password: 'self-pass-001', new_password: 'short' },
    });
    expect(short.status).toBe(400);
    const changed = await server.http.put(`${STAFF}/staff/me/password`, {
      form: { token: current, old_password: 'self-pass-001', new_password: 'self-pass-002' },
    });
    expect(changed.status).toBe(200);
    expect((await server.http.get(`${STAFF}/menu/`, { query: { token: current } })).status).toBe(200);
    expect((await server.http.get(`${STAFF}/menu/`, { query: { token: other } })).body.state_code).toBe(40014);
    expect(await staffLogin(server.http, 'self_changer', 'self-pass-002')).toBeTruthy();
    const rows = await server.database.db
      .selectFrom('audit_log')
      .select(['outcome', 'details'])
      .where('action', '=', 'staff_user.password_change')
      .execute();
    expect(rows.map((row) => row.outcome).sort()).toEqual(['failure', 'success']);
    expect(JSON.stringify(rows)).not.toMatch(/self-pass/);
  });

  it('needs a token', async () => {
    const response = await server.http.put(`${STAFF}/staff/me/password`, {
      json: { old_password: ADMIN_PASSWORD, new_password: 'whatever-123' },
    });
    expect(response.status).toBe(401);
    expect(response.body.state_code).toBe(41001);
  });
});

describe('no escalation through account management', () => {
  it('staff:manage alone cannot create, reset or edit accounts of a role with more rights', async () => {
    const hr = await server.http.post(`${STAFF}/roles/`, { json: { token: admin, name: '人事' } });
    await server.http.put(`${STAFF}/roles/${hr.body.role.id}/permissions`, {
      json: { token: admin, keys: ['dashboard', 'staff:view', 'staff:manage'] },
    });
    const basic = await server.http.post(`${STAFF}/roles/`, { json: { token: admin, name: '只看仪表盘' } });
    await server.http.put(`${STAFF}/roles/${basic.body.role.id}/permissions`, {
      json: { token: admin, keys: ['dashboard'] },
    });
    const clerk = await createStaffUser(server, 'hr_clerk', '人事');

    const allowed = await server.http.post(`${STAFF}/staff/`, {
      json: {
        token: clerk.token,
        username: 'dash_only',
        display_name: '看板',
        password: 'dash-only-pass',
        role_id: Number(basic.body.role.id),
      },
    });
    expect(allowed.status).toBe(201);
    const escalate = await server.http.post(`${STAFF}/staff/`, {
      json: {
        token: clerk.token,
        username: 'evil_admin',
        display_name: 'x',
        password: 'evil-admin-pass',
        role_id: Number(roleIds[DEFAULT_ROLE.administrator]),
      },
    });
    expect(escalate.status).toBe(403);
    expect(escalate.body.state_code).toBe(48001);
    const adminRow = await server.database.db
      .selectFrom('staff_users')
      .select('id')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    const reset = await server.http.post(`${STAFF}/staff/${adminRow.id}/reset-password`, {
      json: { token: clerk.token, password: 'taken-over-123' },
    });
    expect(reset.status).toBe(403);
    expect(await staffLogin(server.http)).toBeTruthy();
    const promote = await server.http.patch(`${STAFF}/staff/${allowed.body.user.id}`, {
      json: { token: clerk.token, role_id: Number(roleIds[DEFAULT_ROLE.administrator]) },
    });
    expect(promote.status).toBe(403);
    expect(
      await server.database.db.selectFrom('staff_users').select('id').where('username', '=', 'evil_admin').execute(),
    ).toEqual([]);
  });
});
