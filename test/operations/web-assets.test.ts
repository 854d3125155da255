import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The web UI's scripts are what a patient's phone downloads first (bench/web.ts). The build
 * writes them compressed too, and the server sends the form the browser accepts: the same bytes once
 * decoded, cached for a year, varying by Accept-Encoding so no shared cache mixes them up.
 */
interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function rawGet(url: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

let server: TestServer;
let entryScript: string;

beforeAll(async () => {
  server = await startTestServer();
  const page = await rawGet(`${server.baseUrl}/`, { accept: 'text/html' });
  expect(page.status).toBe(200);
  entryScript = /<script[^>]+src="([^"]+\.js)"/.exec(page.body.toString('utf8'))![1]!;
});
afterAll(async () => {
  await server?.close();
});

describe('the web UI sent compressed', () => {
  it('sends brotli to a browser that accepts it, gzip to one that accepts only gzip, the same script either way', async () => {
    const plain = await rawGet(`${server.baseUrl}${entryScript}`, {});
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toContain('immutable');

    const brotli = await rawGet(`${server.baseUrl}${entryScript}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers['content-type']).toContain('javascript');
    expect(brotli.headers.vary).toContain('accept-encoding');
    expect(brotli.headers['cache-control']).toContain('immutable');
    expect(brotliDecompressSync(brotli.body).equals(plain.body)).toBe(true);
    expect(brotli.body.length).toBeLessThan(plain.body.length / 2);

    const gzip = await rawGet(`${server.baseUrl}${entryScript}`, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
  });

  it('answers a missing asset 404, compressed form or not', async () => {
    const missing = await rawGet(`${server.baseUrl}/assets/no-such-file.js`, { 'accept-encoding': 'br' });
    expect(missing.status).toBe(404);
  });
});

describe('the index page', () => {
  it('is sent compressed too, with a CSP that allows its inline first-screen script by hash and no other', async () => {
    const plain = await rawGet(`${server.baseUrl}/login`, { accept: 'text/html' });
    const html = plain.body.toString('utf8');
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(inline).toHaveLength(1);
    const hash = createHash('sha256').update(inline[0]!).digest('base64');
    const policy = String(plain.headers['content-security-policy']);
    expect(policy).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(plain.headers['cache-control']).toBe('no-cache');

    const brotli = await rawGet(`${server.baseUrl}/login`, { accept: 'text/html', 'accept-encoding': 'gzip, br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers.vary).toContain('accept-encoding');
    expect(brotliDecompressSync(brotli.body).toString('utf8')).toBe(html);
    expect(brotli.body.length).toBeLessThan(plain.body.length / 2);
    const gzip = await rawGet(`${server.baseUrl}/login`, { accept: 'text/html', 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString('utf8')).toBe(html);
  });
});
