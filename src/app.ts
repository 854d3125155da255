import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppConfig } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import { registerHealthRoutes } from './features/health/routes.js';
import { isWebUiRequest, registerWebUi } from './features/web/static.js';
import { registerAvatarFileRoute } from './features/avatars/routes.js';
import { PORTAL_PREFIX, STAFF_PREFIX } from './http/envelopes.js';
import { installErrorHandling } from './http/error-handler.js';
import { AppError } from './http/errors.js';
import { errorTableMarkdown } from './http/schemas.js';
import { validatorCompiler } from './http/validation.js';
import { portalApi } from './portal-api.js';
import { createCoreServices } from './services.js';
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

/** Tokens travel in query strings (seed 004): never let one reach the log. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/gi, '$1[REDACTED]');
}

function loggerOptions(config: AppConfig, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'password', 'token', '*.password', '*.token'], censor: '[REDACTED]' },
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
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  let webPage: string | undefined;
  installErrorHandling(app, { webPage: () => webPage, isWebPageRequest: isWebUiRequest });

  await app.register(helmet, {
    // The API answers JSON; the CSP below suits the docs page and, later, the web UI build.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
      },
    },
  });
  if (config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
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
  const core = createCoreServices(config, database.db, database.dialect, deps.jwtSecret);
  registerHealthRoutes(app, database);
  registerAvatarFileRoute(app, config.dataDir);
  await app.register(staffApi, { prefix: STAFF_PREFIX, core });
  await app.register(portalApi, { prefix: PORTAL_PREFIX, core });
  return app;
}
