import { Type } from 'typebox';
import type { DatabaseHandle } from '../../db/database.js';
import type { TypedApp } from '../../http/typed-app.js';

const HEALTH_TIMEOUT_MS = 2000;

const HealthSchema = Type.Object({ status: Type.String(), database: Type.String() });

/**
 * 200 while the database answers a read within two seconds, 503 otherwise (for load balancers).
 * A long write transaction (an import) delays requests but is not an outage: see ping().
 */
export function registerHealthRoutes(app: TypedApp, database: DatabaseHandle): void {
  app.get('/healthz', {
    schema: {
      tags: ['operations'],
      summary: 'Liveness and database reachability',
      response: { 200: HealthSchema, 503: HealthSchema },
    },
    config: { access: 'public' },
    handler: async (_request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('health check timed out')), HEALTH_TIMEOUT_MS);
      });
      try {
        await Promise.race([database.ping(), timeout]);
        return { status: 'ok', database: 'ok' };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
