import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLoginPatient, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';

// Short-lived tokens: 2 s lifetime (exp is whole seconds, so 1 s could end at once),
// refreshable for 30 s after expiry (wide, so a loaded machine cannot push a step past it).
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ TOKEN_TTL_SECONDS: '2', REFRESH_WINDOW_SECONDS: '30' });
});
afterAll(async () => server?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('token expiry and refresh (PATCH token/)', () => {
  it('expires with 42001, refreshes an expired token within the window, and rotates it', async () => {
    const token = await staffLogin(server.http);
    // Used while fresh first: a token that verified once must still expire on time.
    expect((await server.http.get(`${STAFF}/menu/`, { query: { token } })).status).toBe(200);
    await sleep(3100);
    const expired = await server.http.get(`${STAFF}/menu/`, { query: { token } });
    expect(expired.status).toBe(401);
    expect(expired.body.state_code).toBe(42001);

    const refreshed = await server.http.patch(`${STAFF}/token/`, { form: { token } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.token).not.toBe(token);
    expect((await server.http.get(`${STAFF}/menu/`, { query: { token: refreshed.body.token } })).status).toBe(200);

    // Refreshing the same old token twice fails: it was revoked by the first refresh.
    const again = await server.http.patch(`${STAFF}/token/`, { json: { token } });
    expect(again.status).toBe(401);
    expect(again.body.state_code).toBe(40014);
  });

  it('refuses a token expired for longer than the refresh window with 42001', async () => {
    // Correctly signed, expired 60 s ago: beyond the 30 s window, whatever its session says.
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'carepool-staff+jwt' })
      .setIssuer('carepool')
      .setAudience('carepool-staff')
      .setSubject('1')
      .setJti('00000000-0000-4000-8000-000000000000')
      .setIssuedAt(now - 62)
      .setExpirationTime(now - 60)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const response = await server.http.patch(`${STAFF}/token/`, { json: { token } });
    expect(response.status).toBe(401);
    expect(response.body.state_code).toBe(42001);
  });

  it('answers 41001 when PATCH token/ carries no token', async () => {
    const response = await server.http.patch(`${STAFF}/token/`, { json: {} });
    expect(response.status).toBe(401);
    expect(response.body.state_code).toBe(41001);
  });

  it('lets only one of two racing refreshes of the same token succeed', async () => {
    const token = await staffLogin(server.http);
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => server.http.patch(`${STAFF}/token/`, { json: { token } })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401 && r.body.state_code === 40014)).toHaveLength(3);
  });

  it('expires portal tokens too (401 in the portal envelope)', async () => {
    const patient = await registerAndLoginPatient(server.http);
    expect((await server.http.get('/patient', { bearer: patient.token })).status).toBe(200);
    await sleep(3100);
    const response = await server.http.get('/patient', { bearer: patient.token });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 0, data: null });
  });
});

describe('sign-out (DELETE token/)', () => {
  it('revokes the token at once', async () => {
    const token = await staffLogin(server.http);
    const out = await server.http.delete(`${STAFF}/token/`, { json: { token } });
    expect(out.status).toBe(200);
    const after = await server.http.get(`${STAFF}/menu/`, { query: { token } });
    expect(after.status).toBe(401);
    expect(after.body.state_code).toBe(40014);
    // A revoked token cannot be refreshed either.
    expect((await server.http.patch(`${STAFF}/token/`, { json: { token } })).body.state_code).toBe(40014);
  });
});
