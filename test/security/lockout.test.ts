import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, DEFAULT_ROLE, registerAndLoginPatient, STAFF } from '../support/fixtures.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.js';

const logLines: string[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'debug' }, { logStream });
});
afterAll(async () => server?.close());

describe('failed-login throttling', () => {
  it('locks a staff account after 5 failures with 429 + Retry-After, even for the right password, and audits it', async () => {
    await createStaffUser(server, 'lock_me', DEFAULT_ROLE.consultant, 'right-password-1');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await server.http.post(`${STAFF}/token/`, {
        json: { username: 'lock_me', password: 'wrong-password' },
      });
      expect(response.status).toBe(401);
    }
    const locked = await server.http.post(`${STAFF}/token/`, {
      json: { username: 'lock_me', password: 'right-password-1' },
    });
    expect(locked.status).toBe(429);
    expect(locked.body.state_code).toBe(42901);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    const lockouts = await server.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'staff.lockout')
      .execute();
    expect(lockouts.length).toBeGreaterThanOrEqual(1);
    // Other accounts are not affected by this account's lock.
    expect(
      (await server.http.post(`${STAFF}/token/`, { json: { username: 'admin', password: ADMIN_PASSWORD } })).status,
    ).toBe(200);
  });

  it('lets the user in again once the lock has passed (never longer than 15 minutes)', async () => {
    await createStaffUser(server, 'lock_expiry', DEFAULT_ROLE.consultant, 'right-password-1');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await server.http.post(`${STAFF}/token/`, { json: { username: 'lock_expiry', password: 'wrong-password' } });
    }
    const row = await server.database.db
      .selectFrom('login_throttle')
      .selectAll()
      .where('key', '=', 'staff:account:lock_expiry')
      .executeTakeFirstOrThrow();
    const now = Math.floor(Date.now() / 1000);
    expect(row.locked_until).not.toBeNull();
    expect((row.locked_until ?? 0) - now).toBeLessThanOrEqual(15 * 60);
    // Let the clock pass the lock by moving the lock into the past.
    await server.database.db
      .updateTable('login_throttle')
      .set({ locked_until: now - 1 })
      .where('key', '=', row.key)
      .execute();
    expect(
      (await server.http.post(`${STAFF}/token/`, { json: { username: 'lock_expiry', password: 'right-password-1' } }))
        .status,
    ).toBe(200);
  });

  it('locks a portal phone after 5 failures with 429 in the portal envelope', async () => {
    const patient = await registerAndLoginPatient(server.http);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect(
        (await server.http.post('/patient/login', { json: { phone: patient.phone, password: 'wrong-password' } }))
          .status,
      ).toBe(401);
    }
    const locked = await server.http.post('/patient/login', {
      json: { phone: patient.phone, password: patient.password },
    });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 0, data: null });
  });

  it('never writes passwords or tokens to the log', async () => {
    const patient = await registerAndLoginPatient(server.http, undefined, '日志', 'log-secret-password');
    await server.http.get(`${STAFF}/menu/`, { query: { token: 'query-token-should-not-be-logged' } });
    await server.http.post(`${STAFF}/token/`, { form: { username: 'admin', password: 'form-secret-password' } });
    const log = logLines.join('');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [
      'log-secret-password',
      'form-secret-password',
      ADMIN_PASSWORD,
      patient.token,
      'query-token-should-not-be-logged',
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it('keeps secrets out of the audit log too', async () => {
    const rows = await server.database.db.selectFrom('audit_log').selectAll().execute();
    const text = JSON.stringify(rows);
    expect(rows.length).toBeGreaterThan(5);
    for (const secret of ['wrong-password', 'right-password-1', ADMIN_PASSWORD]) expect(text).not.toContain(secret);
  });
});
