import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_BUILD_DIR } from '../../src/features/web/static.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { chromiumAvailable, launchBrowser, newContext, PHONE_VIEWPORT } from './support/browser.js';

/**
 * A patient's phone opening the portal loads the portal and nothing of the back office (issue 18):
 * no chunk only the back office reaches, no pro-components, no ECharts, not the back office's string
 * tables, and every script arrives compressed. The chunks are identified from the build itself: the
 * Vite manifest (dist/web/.vite/manifest.json, build.manifest in vite.config.ts) says which chunks each
 * source module's chunk imports; the libraries are recognised by strings their code carries.
 * Nothing here is timed (bench/web.ts measures that).
 */
interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
type Manifest = Record<string, ManifestChunk>;

/** Every chunk file reachable from these manifest keys, through static and dynamic imports, except through `stop`. */
function reachable(manifest: Manifest, roots: string[], stop: (key: string) => boolean): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const key = pending.pop()!;
    if (seen.has(key) || stop(key)) continue;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) continue;
    files.add(`/${chunk.file}`);
    pending.push(...(chunk.imports ?? []), ...(chunk.dynamicImports ?? []));
  }
  return files;
}

/** Strings only these libraries' code carries (class-name prefixes, the library's own name). */
const MARKERS: Record<string, RegExp> = {
  'pro-components': /["'`]pro-(table|layout|form|card|list|descriptions)\b/,
  echarts: /echarts/i,
  // The back office's title in its Chinese string table (web/i18n/admin.ts).
  "the back office's string tables": /CarePool 管理后台/,
};

let server: TestServer;
let browser: Browser;
let manifest: Manifest;

describe.skipIf(!chromiumAvailable)("the portal's first page on a phone", { timeout: 120_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    manifest = JSON.parse(readFileSync(path.join(WEB_BUILD_DIR, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads no back-office chunk, no pro-components or ECharts, no admin strings; every script compressed', async () => {
    const entryKey = Object.keys(manifest).find((key) => manifest[key]!.isEntry)!;
    // Manifest keys are source paths under web/: the back office's chunks are those of web/admin/ modules.
    const backOffice = (key: string) => key.startsWith('admin/');
    expect(Object.keys(manifest).some((key) => key === 'admin/AdminApp.tsx')).toBe(true);
    // What the portal side can ever load (everything from the entry, except through a back-office
    // module's chunk: the entry names those only for /admin addresses), and what only the back office reaches.
    const portalSide = reachable(manifest, [entryKey], backOffice);
    const adminSide = reachable(manifest, Object.keys(manifest).filter(backOffice), () => false);
    const adminOnly = [...adminSide].filter((file) => !portalSide.has(file));
    expect(adminOnly.length).toBeGreaterThan(5);

    const { context, pageErrors } = await newContext(browser, { viewport: PHONE_VIEWPORT });
    const page = await context.newPage();
    const scripts: { url: string; encoding: string | null; body: string }[] = [];
    const pending: Promise<void>[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url()).pathname;
      if (!url.endsWith('.js')) return;
      pending.push(
        (async () => {
          const body = (await response.body()).toString('utf8');
          scripts.push({ url, encoding: await response.headerValue('content-encoding'), body });
        })(),
      );
    });
    await page.goto(`${server.baseUrl}/`, { waitUntil: 'networkidle' });
    await page.getByRole('button', { name: /登\s*录/ }).waitFor();
    await Promise.all(pending);

    expect(scripts.length).toBeGreaterThan(1);
    expect(scripts.filter((script) => adminOnly.includes(script.url)).map((script) => script.url)).toEqual([]);
    for (const [library, marker] of Object.entries(MARKERS))
      expect(
        scripts.filter((script) => marker.test(script.body)).map((script) => script.url),
        `scripts carrying ${library}`,
      ).toEqual([]);
    // The markers do find the libraries where they are: otherwise the check above proves nothing.
    const adminBodies = adminOnly.map((file) => readFileSync(path.join(WEB_BUILD_DIR, file), 'utf8'));
    for (const [library, marker] of Object.entries(MARKERS))
      expect(
        adminBodies.some((body) => marker.test(body)),
        `${library} found in the back office's chunks`,
      ).toBe(true);
    // Chromium asks for br; the server sends the build's brotli copy of every script (the build skips
    // files under 1 KB, which compression would not shrink: vite.config.ts).
    expect(scripts.some((script) => script.encoding === 'br')).toBe(true);
    expect(
      scripts
        .filter((script) => Buffer.byteLength(script.body) >= 1024 && script.encoding !== 'br')
        .map((script) => script.url),
    ).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
