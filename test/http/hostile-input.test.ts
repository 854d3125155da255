import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatientBody, registerAndLoginPatient, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await staffLogin(server.http);
});
afterAll(async () => server?.close());

const isStaffEnvelope = (body: any) => typeof body?.state_code === 'number' && typeof body?.msg === 'string';
const isPortalEnvelope = (body: any) => body?.code === 0 && body?.data === null && typeof body?.msg === 'string';

describe('malformed and hostile bodies never reach a 5xx', () => {
  const bodies: [string, string, string][] = [
    ['truncated JSON', '{"name": "x", ', 'application/json'],
    ['not JSON at all', 'name=x&&&', 'application/json'],
    ['a JSON array', '[1,2,3]', 'application/json'],
    ['a JSON string', '"hello"', 'application/json'],
    ['JSON null', 'null', 'application/json'],
    ['empty JSON body', '', 'application/json'],
    ['deeply nested JSON', `${'{"a":'.repeat(500)}1${'}'.repeat(500)}`, 'application/json'],
    [
      'prototype pollution',
      '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}',
      'application/json',
    ],
    ['XML', '<patient><name>x</name></patient>', 'application/xml'],
  ];

  it.each(bodies)('staff POST patient/ with %s: 4xx in the staff envelope', async (_label, raw, contentType) => {
    const response = await server.http.post(`${STAFF}/patient/`, { raw, contentType, bearer: token });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(isStaffEnvelope(response.body)).toBe(true);
  });

  it.each(bodies)('portal POST register with %s: 4xx in the portal envelope', async (_label, raw, contentType) => {
    const response = await server.http.post('/patient/register', { raw, contentType });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(isPortalEnvelope(response.body)).toBe(true);
  });

  it('answers 413 in each envelope for a body over 1 MiB', async () => {
    const huge = JSON.stringify(createPatientBody({ remarks: 'x'.repeat(1_100_000) }));
    const staff = await server.http.post(`${STAFF}/patient/`, {
      raw: huge,
      contentType: 'application/json',
      bearer: token,
    });
    expect(staff.status).toBe(413);
    expect(staff.body.state_code).toBe(41301);
    const portal = await server.http.post('/patient/register', { raw: huge, contentType: 'application/json' });
    expect(portal.status).toBe(413);
    expect(isPortalEnvelope(portal.body)).toBe(true);
  });

  it('refuses a form body on the JSON-only portal with 415', async () => {
    const response = await server.http.post('/patient/login', {
      form: { phone: '13800000000', password: 'secret-pass' },
    });
    expect(response.status).toBe(415);
    expect(isPortalEnvelope(response.body)).toBe(true);
  });

  it('answers wrong types with 400 on every seed route', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const cases = [
      server.http.post(`${STAFF}/token/`, { json: { username: ['admin'], password: 'x' } }),
      server.http.post(`${STAFF}/patient/`, { json: createPatientBody({ token, age: { value: 1 } }) }),
      server.http.get(`${STAFF}/patient/`, { query: { token, page: 'first' } }),
      server.http.get(`${STAFF}/patient/`, { query: { token, page_size: 201 } }),
      server.http.get(`${STAFF}/patient/`, { query: { token, sort: 'name; drop table patients' } }),
      server.http.post('/patient/login', { json: { phone: true, password: 'x' } }),
      server.http.patch('/patient/patient_manage', {
        bearer: patient.token,
        json: { phone: patient.phone, name: null },
      }),
    ];
    for (const response of await Promise.all(cases)) {
      expect(response.status, JSON.stringify(response.body)).toBe(400);
    }
  });
});

describe('routing answers in the envelope', () => {
  it('404 for unknown paths and 405 with Allow for a wrong method', async () => {
    const staff404 = await server.http.get(`${STAFF}/nothing-here`);
    expect(staff404.status).toBe(404);
    expect(isStaffEnvelope(staff404.body)).toBe(true);
    const portal404 = await server.http.get('/patient/nothing-here');
    expect(portal404.status).toBe(404);
    expect(isPortalEnvelope(portal404.body)).toBe(true);
    const wrongMethod = await server.http.delete(`${STAFF}/menu/`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.state_code).toBe(43003);
    expect(wrongMethod.headers.get('allow')).toContain('GET');
    const portalWrongMethod = await server.http.get('/patient/login');
    expect(portalWrongMethod.status).toBe(405);
    expect(isPortalEnvelope(portalWrongMethod.body)).toBe(true);
  });

  it('431 in each envelope for a query string over 16 KB, which Node refuses before routing', async () => {
    const huge = 'x'.repeat(20_000);
    const staff = await server.http.get(`${STAFF}/patient/`, { query: { token, keyword: huge } });
    expect(staff.status).toBe(431);
    expect(staff.body.state_code).toBe(43101);
    const portal = await server.http.get('/patient/', { query: { q: huge } });
    expect(portal.status).toBe(431);
    expect(isPortalEnvelope(portal.body)).toBe(true);
    // The connection is closed after it; the next request works as before.
    expect((await server.http.get('/healthz')).status).toBe(200);
  });

  it('sends security headers and a request id', async () => {
    const response = await server.http.get('/healthz');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBeTruthy();
    expect(response.headers.get('x-request-id')).toMatch(/.+/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    // Answers that end in an error carry them too.
    for (const failed of [await server.http.get(`${STAFF}/menu/`), await server.http.get('/no/such/route')]) {
      expect(failed.status).toBeGreaterThanOrEqual(400);
      expect(failed.headers.get('x-content-type-options')).toBe('nosniff');
      expect(failed.headers.get('x-request-id')).toMatch(/.+/);
    }
  });

  it('tells browsers and proxies not to keep a copy of patient data', async () => {
    const list = await server.http.get(`${STAFF}/patient/`, { bearer: token });
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
    const patient = await registerAndLoginPatient(server.http);
    const profile = await server.http.get('/patient/', { bearer: patient.token });
    expect(profile.status).toBe(200);
    expect(profile.headers.get('cache-control')).toBe('no-store');
  });
});
