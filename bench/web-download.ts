import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildServer, COMPILED_SERVER, startServer } from './processes.js';

/*
 * What a browser downloads to show a first screen: the portal's home (a patient on a phone), the
 * portal's registration page, and the back office's sign-in. Debian's Chromium loads each page on
 * the real compiled server with an empty cache; every response is counted as sent (bytes on the
 * wire: headers plus the body in the encoding the server chose, brotli for the built assets) and
 * uncompressed, for comparison. Prints one table; no target is asserted.
 *
 *   npx tsx bench/web-download.ts            (builds the server; the web UI must be built: npm run build:web)
 */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PAGES = [
  { name: 'portal home (phone)', path: '/', wait: '.ant-layout' },
  { name: 'portal registration (phone)', path: '/register', wait: 'form' },
  { name: 'back office sign-in', path: '/admin/login', wait: 'form' },
];

interface Download {
  url: string;
  sent: number;
  uncompressed: number;
}

async function measure(baseUrl: string, pagePath: string, waitFor: string): Promise<Download[]> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
    // Chromium asks for gzip, deflate, br, as a phone's browser does.
    const page = await context.newPage();
    const downloads: Download[] = [];
    const pending: Promise<void>[] = [];
    page.on('response', (response) => {
      pending.push(
        (async () => {
          const body = await response.body().catch(() => Buffer.alloc(0));
          const sizes = await response.request().sizes();
          downloads.push({
            url: new URL(response.url()).pathname,
            sent: sizes.responseBodySize + sizes.responseHeadersSize,
            uncompressed: body.length + sizes.responseHeadersSize,
          });
        })(),
      );
    });
    await page.goto(`${baseUrl}${pagePath}`, { waitUntil: 'networkidle' });
    await page.locator(waitFor).first().waitFor();
    await Promise.all(pending);
    return downloads;
  } finally {
    await browser.close();
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  buildServer();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'carepool-web-download-'));
  const server = await startServer(
    COMPILED_SERVER,
    {
      DATABASE_URL: `sqlite:${path.join(dataDir, 'carepool.db')}`,
      DATA_DIR: dataDir,
      ADMIN_USERNAME: 'bench_admin',
      ADMIN_PASSWORD: 'bench-admin-password-1',
      LOG_LEVEL: 'warn',
      NOTIFY_WORKER: 'off',
    },
    '/healthz',
  );
  try {
    console.log('| first screen | requests | JS as sent | total as sent | total uncompressed |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const target of PAGES) {
      const downloads = await measure(server.url, target.path, target.wait);
      const sum = (list: Download[], key: 'sent' | 'uncompressed') =>
        list.reduce((total, item) => total + item[key], 0);
      const scripts = downloads.filter((item) => item.url.endsWith('.js'));
      console.log(
        `| ${target.name} | ${downloads.length} | ${kb(sum(scripts, 'sent'))} | ` +
          `${kb(sum(downloads, 'sent'))} | ${kb(sum(downloads, 'uncompressed'))} |`,
      );
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
