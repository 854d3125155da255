import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF, staffLogin } from '../support/fixtures.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('POST token/ (seed 004)', () => {
  it('signs in with JSON and with a form, answering the bare {token}', async () => {
    const json = await server.http.post(`${STAFF}/token/`, { json: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(json.status).toBe(200);
    expect(Object.keys(json.body)).toEqual(['token']);
    const form = await server.http.post(`${STAFF}/token`, { form: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(form.status).toBe(200);
    expect(decodeProtectedHeader(form.body.token).alg).toBe('HS256');
    const claims = decodeJwt(form.body.token);
    expect(claims.aud).toBe('carepool-staff');
    expect((claims.exp as number) - (claims.iat as number)).toBe(7200);
  });

  it.each([
    [{ password: 'x' }, 40036],
    [{ username: 'admin' }, 40036],
    [{ username: '', password: 'whatever1' }, 40036],
    [{}, 40036],
    [{ username: 'ad', password: 'whatever1' }, 40035],
    [{ username: 'bad name!', password: 'whatever1' }, 40035],
    [{ username: 'admin', password: 'x'.repeat(129) }, 40035],
  ])('refuses %j with state_code %i and 400', async (body, code) => {
    const response = await server.http.post(`${STAFF}/token/`, { json: body });
    expect(response.status).toBe(400);
    expect(response.body.state_code).toBe(code);
    expect(typeof response.body.msg).toBe('string');
  });

  it('tells an unknown user (46004) from a wrong password (46005), both 401', async () => {
    const unknown = await server.http.post(`${STAFF}/token/`, {
      json: { username: 'nobody_here', password: 'whatever1' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.state_code).toBe(46004);
    const wrong = await server.http.post(`${STAFF}/token/`, {
      json: { username: 'admin', password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.state_code).toBe(46005);
  });

  it('answers 405 (43003) for a method the path does not take', async () => {
    const response = await server.http.put(`${STAFF}/token/`, { json: {} });
    expect(response.status).toBe(405);
    expect(response.body.state_code).toBe(43003);
  });
});

describe('token passing and refusal', () => {
  it('accepts the token in the query, in a JSON or form body, and as Bearer', async () => {
    const token = await staffLogin(server.http);
    expect((await server.http.get(`${STAFF}/menu/`, { query: { token } })).status).toBe(200);
    expect((await server.http.get(`${STAFF}/menu`, { bearer: token })).status).toBe(200);
    const jsonBody = await server.http.post(`${STAFF}/patient/`, {
      json: { token, name: '甲', add_time: 1700000000, state: 0 },
    });
    expect(jsonBody.status).toBe(201);
    const formBody = await server.http.post(`${STAFF}/patient`, {
      form: { token, name: '乙', add_time: 1700000000, state: 0 },
    });
    expect(formBody.status).toBe(201);
  });

  it('refuses a forged signature, alg none and garbage with 40014', async () => {
    const token = await staffLogin(server.http);
    const [header, payload] = token.split('.');
    const forged = await new SignJWT(decodeJwt(token))
      .setProtectedHeader({ alg: 'HS256', typ: 'carepool-staff+jwt' })
      .sign(new TextEncoder().encode('another-secret-of-sufficient-length-000000'));
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'carepool-staff+jwt' })).toString('base64url')}.${payload}.`;
    for (const bad of [forged, none, `${header}.${payload}.AAAA`, 'not-a-jwt', 'a.b.c']) {
      const response = await server.http.get(`${STAFF}/menu/`, { query: { token: bad } });
      expect(response.status, bad).toBe(401);
      expect(response.body.state_code).toBe(40014);
    }
  });
});
