import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPermissionKeys } from '../../src/domain/permissions.js';
import { STAFF, staffLogin } from '../support/fixtures.js';
import { ADMIN_USERNAME, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

interface Me {
  user: {
    id: string;
    username: string;
    displayName: string;
    roleId: string;
    roleName: string;
    dataScope: string;
    permissions: string[];
  };
}

/** A role made through the API with exactly these keys, and an account holding it. */
async function accountWithRole(
  adminToken: string,
  roleName: string,
  keys: string[],
  username: string,
): Promise<{ token: string; roleId: string; userId: string }> {
  const role = await server.http.post(`${STAFF}/roles`, { bearer: adminToken, json: { name: roleName } });
  expect(role.status, JSON.stringify(role.body)).toBe(201);
  const roleId = role.body.role.id as string;
  const granted = await server.http.put(`${STAFF}/roles/${roleId}/permissions`, { bearer: adminToken, json: { keys } });
  expect(granted.status, JSON.stringify(granted.body)).toBe(200);
  const password = 'limited-password-1';
  const user = await server.http.post(`${STAFF}/staff`, {
    bearer: adminToken,
    json: { username, display_name: '小王', password, role_id: Number(roleId) },
  });
  expect(user.status, JSON.stringify(user.body)).toBe(201);
  return { token: await staffLogin(server.http, username, password), roleId, userId: user.body.user.id as string };
}

describe('GET me/', () => {
  it('gives the administrator every permission key, the role and the whole patient pool as scope', async () => {
    const token = await staffLogin(server.http);
    const response = await server.http.get<Me>(`${STAFF}/me`, { query: { token } });
    expect(response.status).toBe(200);
    const { user } = response.body;
    expect(user).toMatchObject({ username: ADMIN_USERNAME, roleName: '管理员', dataScope: 'all' });
    expect(user.id).toMatch(/^\d+$/);
    expect(user.roleId).toMatch(/^\d+$/);
    expect(typeof user.displayName).toBe('string');
    expect([...user.permissions].sort()).toEqual([...allPermissionKeys].sort());
  });

  it('gives a limited role exactly its keys (the module key comes with its actions) and its own patients as scope', async () => {
    const admin = await staffLogin(server.http);
    const limited = await accountWithRole(admin, '登记员', ['patients:view_own', 'patients:create'], 'limited_me');
    const response = await server.http.get<Me>(`${STAFF}/me/`, { bearer: limited.token });
    expect(response.status).toBe(200);
    expect(response.body.user).toEqual({
      id: limited.userId,
      username: 'limited_me',
      displayName: '小王',
      roleId: limited.roleId,
      roleName: '登记员',
      dataScope: 'own',
      doctorId: null,
      permissions: ['patients', 'patients:view_own', 'patients:create'],
    });
  });

  it('answers 401 in the staff envelope without a token and for a signed-out token', async () => {
    const missing = await server.http.get(`${STAFF}/me`);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ state_code: 41001, msg: '缺少token参数' });

    const token = await staffLogin(server.http);
    const signedOut = await server.http.delete(`${STAFF}/token`, { json: { token } });
    expect(signedOut.status).toBe(200);
    const revoked = await server.http.get(`${STAFF}/me`, { query: { token } });
    expect(revoked.status).toBe(401);
    expect(revoked.body).toEqual({ state_code: 40014, msg: '无效的token' });
  });
});
