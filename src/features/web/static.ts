import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebPage } from '../../http/error-handler.js';
import { contentSecurityPolicyAllowing } from '../../http/security-headers.js';

/** The folder holding package.json: this file runs from src/ (tests, tsx) or from dist/server/ (production). */
function projectRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json')) && path.dirname(folder) !== folder)
    folder = path.dirname(folder);
  return folder;
}

export const WEB_BUILD_DIR = path.join(projectRoot(), 'dist', 'web');

/** Paths that belong to the APIs and operations: never answered with the web page. */
const NON_UI_PREFIXES = ['/back_end/', '/patient', '/docs', '/uploads/', '/healthz', '/metrics', '/assets/'];

export function isWebUiRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const pathname = request.url.split('?')[0] ?? '/';
  if (NON_UI_PREFIXES.some((prefix) => pathname === prefix.replace(/\/$/, '') || pathname.startsWith(prefix)))
    return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * The index page as it is sent for every page path: compressed once here (brotli, gzip: a phone on a slow
 * network gets a third of the bytes), and with a CSP that allows its inline script by hash (the first
 * screen painted from the HTML, web/first-screen/paint.ts) and no other inline script.
 */
export function webPageOf(html: string): WebPage {
  const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    (match) => `sha256-${createHash('sha256').update(match[1]!).digest('base64')}`,
  );
  return {
    html,
    brotli: brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    gzip: gzipSync(html, { level: 9 }),
    headers: { 'content-security-policy': contentSecurityPolicyAllowing(hashes) },
  };
}

/**
 * Serves the built web UI (dist/web): files as they are, and index.html for every other
 * page path, since the UI routes in the browser. Returns that index page, or undefined
 * when no build exists (the APIs still work; `npm run build` makes one).
 */
export async function registerWebUi(app: FastifyInstance, buildDir = WEB_BUILD_DIR): Promise<WebPage | undefined> {
  const indexFile = path.join(buildDir, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.warn(`No web UI build in ${buildDir}: run "npm run build" (npm start does it when missing)`);
    return undefined;
  }
  await app.register(fastifyStatic, {
    root: buildDir,
    prefix: '/',
    wildcard: false,
    index: false,
    // The build writes .br and .gz beside each text asset (vite.config.ts): sent by Accept-Encoding,
    // with Vary, at no CPU cost per request. A phone on a slow network gets a third of the bytes.
    preCompressed: true,
    // Hashed asset names never change content: cache them for a year; index.html never.
    setHeaders: (response, filePath) => {
      if (filePath.includes(`${path.sep}assets${path.sep}`))
        response.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  return webPageOf(readFileSync(indexFile, 'utf8'));
}
