import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_PREFIX, STAFF_PREFIX } from '../../src/http/envelopes.js';
import type { TypedApp } from '../../src/http/typed-app.js';
import { validatorCompiler } from '../../src/http/validation.js';
import { portalApi } from '../../src/portal-api.js';
import { createCoreServices } from '../../src/services.js';
import { staffApi } from '../../src/staff-api.js';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';

/**
 * A route that forgets config.access must stop the app from starting: the matrix can only
 * vouch for routes that declare what they need. Each family plugin is mounted bare with one
 * extra route, with and without a declaration.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const families = [
  { name: 'staff', plugin: staffApi, prefix: STAFF_PREFIX },
  { name: 'portal', plugin: portalApi, prefix: PORTAL_PREFIX },
] as const;

async function appWithExtraRoute(family: (typeof families)[number], config: Record<string, unknown>): Promise<FastifyInstance> {
  const core = createCoreServices(server.config, server.database.db, server.database.dialect, TEST_JWT_SECRET);
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  await app.register(
    async (scope) => {
      await family.plugin(scope as unknown as TypedApp, { core });
      scope.get('/extra-route', { config }, async () => ({ leaked: true }));
    },
    { prefix: family.prefix },
  );
  return app;
}

describe.each(families)('the $name API refuses to start with an undeclared route', (family) => {
  it('fails at start-up naming the route', async () => {
    await expect(appWithExtraRoute(family, {})).rejects.toThrow(/GET .*\/extra-route declares no access/);
  });

  it('starts when the same route declares its access (the refusal is about the declaration)', async () => {
    const app = await appWithExtraRoute(family, { access: family.name === 'staff' ? 'authenticated' : 'patient' });
    await app.ready();
    const answer = await app.inject({ method: 'GET', url: `${family.prefix}/extra-route` });
    expect(answer.statusCode).toBe(401);
    await app.close();
  });
});
