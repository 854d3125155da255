import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
});
afterAll(async () => server?.close());

async function roleByName(name: string) {
  const response = await server.http.get(`${STAFF}/roles/`, { query: { token: admin } });
  return (response.body.roles as { id: string; name: string; userCount: number; builtinKey: string | null }[]).find(
    (role) => role.name === name,
  );
}

const auditCount = async (action: string, targetId: string) =>
  (
    await server.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', action)
      .where('target_id', '=', targetId)
      .execute()
  ).length;

type TreeNode = { key: string; checked: boolean; children: { key: string; checked: boolean }[] };
const checkedKeys = (tree: TreeNode[]) =>
  tree
    .flatMap((node) => [node, ...node.children])
    .filter((node) => node.checked)
    .map((node) => node.key)
    .sort();

describe('roles', () => {
  it('lists the default roles with user counts', async () => {
    await createStaffUser(server, 'count_one', DEFAULT_ROLE.frontDesk);
    const response = await server.http.get(`${STAFF}/roles/`, { query: { token: admin } });
    expect(response.status).toBe(200);
    const names = response.body.roles.map((role: { name: string }) => role.name);
    expect(names).toEqual(expect.arrayContaining(Object.values(DEFAULT_ROLE)));
    expect(await roleByName(DEFAULT_ROLE.administrator)).toMatchObject({ builtinKey: 'administrator', userCount: 1 });
    expect((await roleByName(DEFAULT_ROLE.frontDesk))?.userCount).toBe(1);
  });

  it('creates, renames and deletes a role, each audited; names are unique', async () => {
    const created = await server.http.post(`${STAFF}/roles/`, { form: { token: admin, name: '回访专员' } });
    expect(created.status).toBe(201);
    expect(created.body.role).toMatchObject({ name: '回访专员', userCount: 0, builtinKey: null });
    const id = created.body.role.id as string;
    expect((await server.http.post(`${STAFF}/roles/`, { json: { token: admin, name: '回访专员' } })).status).toBe(409);
    expect((await server.http.post(`${STAFF}/roles/`, { json: { token: admin, name: '' } })).status).toBe(400);
    expect((await server.http.post(`${STAFF}/roles/`, { json: { token: admin, name: 'x'.repeat(33) } })).status).toBe(
      400,
    );
    const renamed = await server.http.patch(`${STAFF}/roles/${id}`, { json: { token: admin, name: ' 回访组 ' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.role.name).toBe('回访组');
    expect(
      (await server.http.patch(`${STAFF}/roles/${id}`, { json: { token: admin, name: DEFAULT_ROLE.frontDesk } }))
        .status,
    ).toBe(409);
    const deleted = await server.http.delete(`${STAFF}/roles/${id}`, { json: { token: admin } });
    expect(deleted.status).toBe(200);
    expect(await roleByName('回访组')).toBeUndefined();
    expect(await auditCount('role.create', id)).toBe(1);
    expect(await auditCount('role.update', id)).toBe(1);
    expect(await auditCount('role.delete', id)).toBe(1);
    expect((await server.http.delete(`${STAFF}/roles/${id}`, { json: { token: admin } })).status).toBe(404);
  });

  it('refuses to delete a role users hold, and the administrator role (no audit row)', async () => {
    const frontDesk = await roleByName(DEFAULT_ROLE.frontDesk);
    const held = await server.http.delete(`${STAFF}/roles/${frontDesk?.id}`, { json: { token: admin } });
    expect(held.status).toBe(409);
    expect(held.body.userCount).toBe(1);
    const administrator = await roleByName(DEFAULT_ROLE.administrator);
    const builtin = await server.http.delete(`${STAFF}/roles/${administrator?.id}`, { json: { token: admin } });
    expect(builtin.status).toBe(409);
    expect(await auditCount('role.delete', String(administrator?.id))).toBe(0);
    expect(await roleByName(DEFAULT_ROLE.administrator)).toBeDefined();
  });
});

describe('role permissions', () => {
  it('answers the tree with checked flags', async () => {
    const consultant = await roleByName(DEFAULT_ROLE.consultant);
    const response = await server.http.get(`${STAFF}/roles/${consultant?.id}/permissions`, { query: { token: admin } });
    expect(response.status).toBe(200);
    const patients = response.body.permissions.find((node: TreeNode) => node.key === 'patients');
    expect(patients).toMatchObject({ description: '客户池', checked: true });
    expect(patients.children.find((leaf: { key: string }) => leaf.key === 'patients:view_own')).toMatchObject({
      checked: true,
      description: expect.any(String),
    });
    expect(patients.children.find((leaf: { key: string }) => leaf.key === 'patients:view_all').checked).toBe(false);
    expect(response.body.permissions.find((node: TreeNode) => node.key === 'staff').checked).toBe(false);
  });

  it('a change is visible in GET menu/ of a user of that role at once, and is audited', async () => {
    const created = await server.http.post(`${STAFF}/roles/`, { json: { token: admin, name: '统计员' } });
    const roleId = created.body.role.id as string;
    const user = await createStaffUser(server, 'stats_user', '统计员');
    const before = await server.http.get(`${STAFF}/menu/`, { query: { token: user.token } });
    expect(before.body).toEqual([]);
    // JSON array; the action brings its module along.
    const put = await server.http.put(`${STAFF}/roles/${roleId}/permissions`, {
      json: { token: admin, keys: ['statistics:view', 'logs:view'] },
    });
    expect(put.status).toBe(200);
    expect(checkedKeys(put.body.permissions)).toEqual(['logs', 'logs:view', 'statistics', 'statistics:view']);
    const after = await server.http.get(`${STAFF}/menu/`, { query: { token: user.token } });
    expect(after.body.map((entry: { url: string }) => entry.url)).toEqual(['statistics', 'logs']);
    expect((await server.http.get(`${STAFF}/logs/`, { query: { token: user.token } })).status).toBe(200);
    // Comma-separated form field replaces the set.
    const form = await server.http.put(`${STAFF}/roles/${roleId}/permissions`, {
      form: { token: admin, keys: 'dashboard, catalogs:view' },
    });
    expect(form.status).toBe(200);
    expect(checkedKeys(form.body.permissions)).toEqual(['catalogs', 'catalogs:view', 'dashboard']);
    const menu = await server.http.get(`${STAFF}/menu/`, { query: { token: user.token } });
    expect(menu.body.map((entry: { url: string }) => entry.url)).toEqual(['dashboard', 'catalogs']);
    expect((await server.http.get(`${STAFF}/logs/`, { query: { token: user.token } })).status).toBe(403);
    // Repeated form field.
    const repeated = await server.http.put(`${STAFF}/roles/${roleId}/permissions`, {
      raw: `token=${admin}&keys=dashboard&keys=patients%3Aview_own`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(repeated.status).toBe(200);
    expect(checkedKeys(repeated.body.permissions)).toEqual(['dashboard', 'patients', 'patients:view_own']);
    const [row] = await server.database.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'role.permissions_update')
      .where('target_id', '=', roleId)
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    expect(JSON.parse(row?.details ?? '{}')).toMatchObject({
      added: ['patients', 'patients:view_own'],
      removed: ['catalogs', 'catalogs:view'],
    });
    const empty = await server.http.put(`${STAFF}/roles/${roleId}/permissions`, { json: { token: admin, keys: [] } });
    expect(checkedKeys(empty.body.permissions)).toEqual([]);
  });

  it('refuses unknown keys (400) and writes nothing', async () => {
    const consultant = await roleByName(DEFAULT_ROLE.consultant);
    const count = await auditCount('role.permissions_update', String(consultant?.id));
    for (const keys of [['patients', 'patients:fly'], ['<script>'], 'not-an-array-object']) {
      const response = await server.http.put(`${STAFF}/roles/${consultant?.id}/permissions`, {
        json: { token: admin, keys: typeof keys === 'string' ? { a: 1 } : keys },
      });
      expect(response.status).toBe(400);
    }
    const missing = await server.http.put(`${STAFF}/roles/${consultant?.id}/permissions`, { json: { token: admin } });
    expect(missing.body.state_code).toBe(44001);
    expect(await auditCount('role.permissions_update', String(consultant?.id))).toBe(count);
    const tree = await server.http.get(`${STAFF}/roles/${consultant?.id}/permissions`, { query: { token: admin } });
    expect(checkedKeys(tree.body.permissions)).toContain('patients:create');
  });

  it('the administrator role keeps staff and staff:roles', async () => {
    const administrator = await roleByName(DEFAULT_ROLE.administrator);
    const stripped = await server.http.put(`${STAFF}/roles/${administrator?.id}/permissions`, {
      json: { token: admin, keys: ['dashboard', 'staff:view'] },
    });
    expect(stripped.status).toBe(409);
    expect((await server.http.get(`${STAFF}/roles/`, { query: { token: admin } })).status).toBe(200);
    const kept = await server.http.put(`${STAFF}/roles/${administrator?.id}/permissions`, {
      json: { token: admin, keys: ['staff:roles', 'staff:view', 'staff:manage', 'logs:view'] },
    });
    expect(kept.status).toBe(200);
    const menu = await server.http.get(`${STAFF}/menu/`, { query: { token: admin } });
    expect(menu.body.map((entry: { url: string }) => entry.url)).toEqual(['staff', 'logs']);
  });

  it('refuses a consultant (48001) on every role route', async () => {
    const consultant = await createStaffUser(server, 'role_denied', DEFAULT_ROLE.consultant);
    const role = await roleByName(DEFAULT_ROLE.frontDesk);
    const attempts = [
      server.http.get(`${STAFF}/roles/`, { query: { token: consultant.token } }),
      server.http.post(`${STAFF}/roles/`, { json: { token: consultant.token, name: 'x' } }),
      server.http.patch(`${STAFF}/roles/${role?.id}`, { json: { token: consultant.token, name: 'x' } }),
      server.http.delete(`${STAFF}/roles/${role?.id}`, { json: { token: consultant.token } }),
      server.http.get(`${STAFF}/roles/${role?.id}/permissions`, { query: { token: consultant.token } }),
      server.http.put(`${STAFF}/roles/${role?.id}/permissions`, {
        json: { token: consultant.token, keys: ['staff:roles'] },
      }),
    ];
    for (const response of await Promise.all(attempts)) expect(response.body.state_code).toBe(48001);
  });
});
