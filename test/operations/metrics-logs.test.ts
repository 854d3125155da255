import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatientBody, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.js';

/** The product's own log stream, kept line by line. */
const lines: string[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    done();
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'info' }, { logStream });
});
afterAll(async () => server?.close());

describe('structured logs', () => {
  it('are JSON lines with a request id on every request line, and carry no personal data or secrets', async () => {
    const staffPhone = uniquePhone();
    const portalPhone = uniquePhone();
    const patientName = '日志隐私测试甲';
    const portalName = '日志隐私测试乙';
    const portalPassword = 'portal-secret-pass-9';

    const staffToken = await staffLogin(server.http);
    const created = await server.http.post(`${STAFF}/patient/`, {
      json: createPatientBody({
        token: staffToken,
        name: patientName,
        tel: staffPhone,
        wechat: 'wx_log_secret',
        remarks: '过敏史：青霉素',
      }),
      headers: { 'x-request-id': 'ops-trace-0001' },
    });
    expect(created.status).toBe(201);
    const patientId = created.body.newPatient.id;
    expect((await server.http.get(`${STAFF}/patient/${patientId}`, { query: { token: staffToken } })).status).toBe(200);
    expect(
      (await server.http.get(`${STAFF}/patient/`, { query: { token: staffToken, keyword: staffPhone } })).status,
    ).toBe(200);

    const registered = await server.http.post('/patient/register', {
      json: { phone: portalPhone, password: portalPassword, name: portalName },
    });
    expect(registered.status).toBe(200);
    const login = await server.http.post('/patient/login', { json: { phone: portalPhone, password: portalPassword } });
    expect(login.status).toBe(200);
    const portalToken = login.body.data.token as string;
    expect((await server.http.get('/patient', { bearer: portalToken })).status).toBe(200);
    // Failures are logged too (at info with their code): still nothing personal.
    expect(
      (await server.http.post('/patient/login', { json: { phone: portalPhone, password: 'wrong-password-1' } })).status,
    ).toBe(401);

    const records = lines.map((line) => JSON.parse(line) as Record<string, any>);
    const requestLines = records.filter((record) => record.req !== undefined || record.res !== undefined);
    expect(requestLines.length).toBeGreaterThanOrEqual(16);
    for (const record of requestLines) expect(typeof record.reqId, JSON.stringify(record)).toBe('string');
    // A caller's X-Request-Id is carried through, so one trace joins proxy and app logs.
    expect(requestLines.filter((record) => record.reqId === 'ops-trace-0001').length).toBeGreaterThanOrEqual(2);

    const everything = lines.join('\n');
    const secrets = [
      staffPhone,
      portalPhone,
      patientName,
      portalName,
      'wx_log_secret',
      '青霉素',
      ADMIN_PASSWORD,
      portalPassword,
      staffToken,
      portalToken,
    ];
    for (const secret of secrets) expect(everything, `log contains ${secret}`).not.toContain(secret);
    // Query-string tokens are redacted in the URL rather than dropped.
    expect(everything).toContain('token=[REDACTED]');
    expect(everything).toContain('keyword=[REDACTED]');
  });
});
