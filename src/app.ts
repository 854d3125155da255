import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { compose } from './composition.js';
import type { AppConfig } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import { registerHealthRoutes } from './features/health/index.js';
import { registerMetrics } from './features/metrics/index.js';
import { registerAvatarFileRoute } from './features/portal-account/index.js';
import { isWebUiRequest, registerWebUi } from './features/web/index.js';
import { answerClientError } from './http/client-errors.js';
import { PORTAL_PREFIX, STAFF_PREFIX } from './http/envelopes.js';
import { answerFrameworkError, installErrorHandling, type WebPage } from './http/error-handler.js';
import { AppError } from './http/errors.js';
import { installRouteTable } from './http/route-table.js';
import { errorTableMarkdown } from './http/schemas.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { validatorCompiler } from './http/validation.js';
import { portalApi } from './portal-api.js';
import {
  createRateLimitRedis,
  RATE_LIMIT_REDIS_NAMESPACE,
  REDIS_STARTUP_WAIT_MS,
  whenConnected,
} from './security/shared-rate-limit.js';
import { staffApi } from './staff-api.js';

export interface AppDependencies {
  config: AppConfig;
  database: DatabaseHandle;
  jwtSecret: string;
  /** Tests pass false to keep their output quiet. */
  logger?: false;
  /** Built web UI to serve (default dist/web); tests of the API alone may point elsewhere. */
  webBuildDir?: string;
  /** Where the product's own logger writes (default stdout); tests capture it to prove redaction. */
  logStream?: NodeJS.WritableStream;
}

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Query parameters whose values are never personal (paging, sorting, enums, dates, ids). */
const LOGGABLE_QUERY_PARAMETERS = new Set([
  'page',
  'page_size',
  'pageSize',
  'sort',
  'order',
  'state',
  'status',
  'period',
  'date',
  'from',
  'to',
  'days',
]);

/**
 * Tokens travel in query strings (seed 004), and searches carry phones and names (keyword,
 * tel): the log keeps every parameter name but only the values of known harmless ones.
 */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return equals === -1 || LOGGABLE_QUERY_PARAMETERS.has(name) ? pair : `${name}=[REDACTED]`;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}

/** Exported for the benchmark baseline, which must log exactly like the product. */
export function loggerOptions(config: AppConfig, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'password', 'token', '*.password', '*.token'],
      censor: '[REDACTED]',
    },
    serializers: {
      req: (request: { method: string; url: string; ip?: string; id?: string }) => ({
        method: request.method,
        url: redactUrl(request.url),
        ip: request.ip,
      }),
    },
  };
}

const API_DESCRIPTION = `
CarePool serves two API families from one database.

**Staff API** (\`${STAFF_PREFIX}\`, seed 004): the token goes in \`token\` (query string for GET, body for other methods)
or as \`Authorization: Bearer\`. Bodies may be JSON or form-urlencoded. Paths answer with and without a trailing slash.
Success bodies are the bare resource (\`{token}\`, the menu array, \`{newPatient}\`); errors are \`{state_code, msg}\` with a real HTTP status.

**Patient portal** (\`${PORTAL_PREFIX}\`, seed 000): JSON bodies, \`Authorization: Bearer\`. Every answer is
\`{code, msg, data}\`: \`code: 1\` on success (the seed's 0 is its tool's placeholder; clients check \`code === 1\`),
\`code: 0\` with \`data: null\` on error, with a real HTTP status.

Decisions where the seeds are silent: the staff menu keeps the seed's \`regsiter\` url; GET patient/ is a designed list
(the seed repeats the menu example there); a portal token is refused by the staff API (40014) and the other way round.

### Error codes (staff \`state_code\`; the portal uses the same HTTP statuses)
${errorTableMarkdown()}
`;

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config, database } = deps;
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config, deps.logStream),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    return503OnClosing: true,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  let webPage: WebPage | undefined;
  installErrorHandling(app, { webPage: () => webPage, isWebPageRequest: isWebUiRequest });
  installRouteTable(app);
  // Before every other route, so its timing hook covers them all (nothing at all when METRICS_TOKEN is unset).
  registerMetrics(app, { token: config.metricsToken, database });

  installSecurityHeaders(app);
  if (config.rateLimitPerMinute > 0) {
    // With REDIS_URL every instance counts against one shared window; skipOnError keeps a
    // Redis outage from turning requests into errors (they pass unlimited meanwhile).
    const redis = config.redisUrl ? createRateLimitRedis(config.redisUrl, app.log) : undefined;
    if (redis) {
      // A new instance would otherwise take its first requests before the client connects (no
      // offline queue), uncounted; it waits for Redis briefly, and starts anyway if Redis is down.
      app.addHook('onReady', () => whenConnected(redis, REDIS_STARTUP_WAIT_MS));
      app.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())));
    }
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      ...(redis ? { redis, nameSpace: RATE_LIMIT_REDIS_NAMESPACE, skipOnError: true } : {}),
      errorResponseBuilder: (_request, context) =>
        new AppError('rate_limited', undefined, { retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)) }),
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'CarePool API', version: '1.0.0', description: API_DESCRIPTION },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  webPage = await registerWebUi(app, deps.webBuildDir);
  const composition = compose(config, database, deps.jwtSecret, app.log);
  // The background jobs run while the app does: those that must precede the first request finish before it is ready.
  app.addHook('onReady', () => composition.jobs.start());
  app.addHook('onClose', () => composition.jobs.stop());
  // Live streams never end on their own: end them first, or a graceful close would wait for them.
  app.addHook('preClose', async () => composition.eventStreams.closeAll());
  registerHealthRoutes(app, database);
  registerAvatarFileRoute(app, composition.portal.avatars);
  await app.register(staffApi, { prefix: STAFF_PREFIX, ...composition.staff });
  await app.register(portalApi, { prefix: PORTAL_PREFIX, ...composition.portal });
  return app;
}
