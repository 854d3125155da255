import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/*
 * helmet's headers on every answer (API, docs and web UI alike), with the request id.
 * helmet itself rather than @fastify/helmet: the plugin (13.2) builds a new helmet middleware,
 * re-parsing the CSP directives, on every request (6% of the CPU of an authenticated request).
 * helmet's headers do not depend on the request, so its middleware runs once, here, and each
 * answer gets the resulting set through Fastify's own header object (no middleware chain and
 * no per-header validation of node's setHeader).
 */
const middleware = helmet({
  // The API answers JSON; the CSP suits the docs page and the web UI build. Images only from
  // this server (avatars under /uploads/avatars/) and data: (antd's inline icons): no page
  // loads an image from elsewhere, and an external URL in a record must not become a
  // tracking pixel on a staff or patient page.
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      scriptSrc: ["'self'"],
    },
  },
});

function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let failure: unknown;
  middleware(
    { headers: {} } as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => (failure = error),
  );
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  if (Object.keys(headers).length === 0) throw new Error('helmet set no header');
  return headers;
}

/**
 * Answers carry patient data: no browser, proxy or back/forward cache may keep a copy.
 * Routes that serve cacheable files (hashed UI assets, avatars) set their own.
 */
const NO_STORE = { 'cache-control': 'no-store' };

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({ ...helmetHeaders(), ...NO_STORE });

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    reply.header('x-request-id', request.id);
    done();
  });
}

/**
 * The CSP above with these inline scripts allowed by their hash ('sha256-…'): the web UI's index page
 * carries one small inline script (the first screen painted from the HTML, web/first-screen/paint.ts);
 * any other inline script stays blocked.
 */
export function contentSecurityPolicyAllowing(scriptHashes: readonly string[]): string {
  const policy = SECURITY_HEADERS['content-security-policy'] ?? '';
  if (scriptHashes.length === 0) return policy;
  const allowed = scriptHashes.map((hash) => `'${hash}'`).join(' ');
  if (!/script-src 'self'/.test(policy)) throw new Error('the CSP has no script-src to extend');
  return policy.replace(/script-src 'self'/, `script-src 'self' ${allowed}`);
}
