import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { testDialect } from '../support/database.js';
import { STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

let server: TestServer;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer({ METRICS_TOKEN });
  adminToken = await staffLogin(server.http);
});
afterAll(async () => server?.close());

const scrape = async () => {
  const response = await server.http.get('/metrics', { bearer: METRICS_TOKEN });
  expect(response.status).toBe(200);
  return response.text;
};

/** The value of one sample line, or undefined when the series is absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}{${labels}}`) || candidate.startsWith(`${name}{${labels},`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics', () => {
  it('refuses a METRICS_TOKEN shorter than 16 characters at boot', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short-token' })).toThrow(/METRICS_TOKEN/);
  });

  it('does not exist without METRICS_TOKEN', async () => {
    const plain = await startTestServer();
    try {
      const response = await plain.http.get('/metrics', { bearer: METRICS_TOKEN });
      expect(response.status).toBe(404);
      expect(response.text).not.toContain('carepool_');
    } finally {
      await plain.close();
    }
  });

  it('answers 401 without the bearer token or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${METRICS_TOKEN}x` },
      { authorization: `Basic ${METRICS_TOKEN}` },
      { authorization: 'Bearer ' },
    ];
    for (const headers of attempts) {
      const response = await server.http.get('/metrics', { headers });
      expect(response.status).toBe(401);
      expect(response.text).not.toContain('carepool_');
    }
    const staffToken = await server.http.get('/metrics', { bearer: adminToken });
    expect(staffToken.status).toBe(401);
  });

  it('counts requests per route pattern and status, with a consistent latency histogram', async () => {
    const route = `method="GET",route="${STAFF}/patient/:id",status="404"`;
    const before = sample(await scrape(), 'carepool_http_requests_total', route) ?? 0;
    for (const id of [990001, 990002, 990003]) {
      expect((await server.http.get(`${STAFF}/patient/${id}`, { bearer: adminToken })).status).toBe(404);
    }
    await server.http.get('/no/such/path/4711');
    const text = await scrape();
    expect(text).toContain('# TYPE carepool_http_requests_total counter');
    expect(sample(text, 'carepool_http_requests_total', route)).toBe(before + 3);
    // Raw URLs never become labels (unbounded cardinality, and ids are personal context).
    expect(text).not.toContain('990001');
    expect(text).not.toContain('4711');
    expect(
      sample(text, 'carepool_http_requests_total', 'method="GET",route="(unmatched)",status="404"'),
    ).toBeGreaterThanOrEqual(1);

    const count = sample(text, 'carepool_http_request_duration_seconds_count', route)!;
    const infinity = sample(text, 'carepool_http_request_duration_seconds_bucket', `${route},le="+Inf"`);
    expect(infinity).toBe(count);
    const buckets = text
      .split('\n')
      .filter((line) => line.startsWith(`carepool_http_request_duration_seconds_bucket{${route},`))
      .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
    expect(buckets.length).toBe(12);
    expect([...buckets].sort((a, b) => a - b)).toEqual(buckets);
    expect(sample(text, 'carepool_http_request_duration_seconds_sum', route)).toBeGreaterThan(0);

    // The client called token/ (trailing slash): the label is still the declared pattern.
    expect(sample(text, 'carepool_http_requests_total', `method="POST",route="${STAFF}/token",status="200"`)).toBe(1);
  });

  it('reports the database, the event loop and memory in the Prometheus text format', async () => {
    const response = await server.http.get('/metrics', { bearer: METRICS_TOKEN });
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = response.text;
    if (testDialect() === 'postgres') {
      expect(sample(text, 'carepool_db_pool_connections', 'state="total"')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'carepool_db_pool_connections', 'state="idle"')).toBeGreaterThanOrEqual(0);
      expect(text).toMatch(/^carepool_db_pool_waiting_requests \d+$/m);
    } else {
      expect(sample(text, 'carepool_db_sqlite_file_bytes', 'file="db"')).toBeGreaterThan(0);
    }
    for (const stat of ['mean', 'p50', 'p99', 'max'])
      expect(sample(text, 'carepool_event_loop_lag_seconds', `stat="${stat}"`)).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'carepool_process_memory_bytes', 'kind="rss"')).toBeGreaterThan(10_000_000);
    // Every non-comment line is `name{labels} value` or `name value` with a numeric value.
    for (const line of text.trim().split('\n')) {
      if (line.startsWith('# ')) expect(line).toMatch(/^# (HELP|TYPE) carepool_\w+ /);
      else expect(line).toMatch(/^carepool_\w+(\{[^}]*\})? -?[\d.e+-]+$/);
    }
  });
});
