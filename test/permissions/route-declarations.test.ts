import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/composition.js';
import { PORTAL_PREFIX, STAFF_PREFIX } from '../../src/http/envelopes.js';
import type { TypedApp } from '../../src/http/typed-app.js';
import { validatorCompiler } from '../../src/http/validation.js';
import { portalApi } from '../../src/portal-api.js';
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
  {
    name: 'staff',
    prefix: STAFF_PREFIX,
    mount: (scope: TypedApp, app: FastifyInstance) =>
      staffApi(scope, compose(server.config, server.database, TEST_JWT_SECRET, app.log).staff),
  },
  {
    name: 'portal',
    prefix: PORTAL_PREFIX,
    mount: (scope: TypedApp, app: FastifyInstance) =>
      portalApi(scope, compose(server.config, server.database, TEST_JWT_SECRET, app.log).portal),
  },
] as const;

async function appWithExtraRoute(
  family: (typeof families)[number],
  config: Record<string, unknown>,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  await app.register(
    async (scope) => {
      await family.mount(scope as unknown as TypedApp, app);
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
