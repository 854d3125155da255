import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('GET /healthz', () => {
  it('answers 200 while the database answers', async () => {
    const response = await server.http.get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('stays 200, at once, while a long write transaction (an import) holds the database', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let began!: () => void;
    const begun = new Promise<void>((resolve) => (began = resolve));
    const transaction = server.database.db.transaction().execute(async (trx) => {
      await trx.insertInto('channels').values({ name: 'held-by-a-long-transaction' }).execute();
      began();
      await held;
    });
    await begun;
    try {
      const started = Date.now();
      const response = await server.http.get('/healthz');
      expect(response.status).toBe(200);
      // The probe's own timeout is 2 s: an answer queued behind the transaction would come after it.
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      release();
      await transaction;
    }
  });
});

describe('GET /docs', () => {
  it('serves the documentation page and an OpenAPI description of every API route', async () => {
    const page = await server.http.get('/docs');
    expect(page.status).toBe(200);
    const spec = await server.http.get('/docs/json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(spec.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(operations)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    for (const route of [
      'POST /back_end/api/v1/token',
      'PATCH /back_end/api/v1/token',
      'GET /back_end/api/v1/menu',
      'GET /back_end/api/v1/patient',
      'POST /back_end/api/v1/patient',
      'POST /patient/register',
      'POST /patient/login',
      'POST /patient/logout',
      'GET /patient',
      'PATCH /patient/patient_manage',
      'PUT /patient/patient_manage',
    ]) {
      expect(documented, route).toContain(route);
    }
    // Every route declares its request schema: the login body documents the seed's fields.
    const login = spec.body.paths['/back_end/api/v1/token'].post;
    expect(Object.keys(login.requestBody.content['application/json'].schema.properties)).toEqual([
      'username',
      'password',
    ]);
  });
});
