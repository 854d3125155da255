import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '5' });
});
afterAll(async () => server?.close());

describe('request rate limit per client IP', () => {
  it('answers 429 (42902) with Retry-After in the staff envelope past the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await server.http.get(`${STAFF}/menu/`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const limited = await server.http.get(`${STAFF}/menu/`);
    expect(limited.status).toBe(429);
    expect(limited.body.state_code).toBe(42902);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 429 in the portal envelope too', async () => {
    const limited = await server.http.post('/patient/login', {
      json: { phone: '13800000000', password: 'whatever-1' },
    });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 0, data: null });
  });
});
