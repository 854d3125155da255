import Fastify from 'fastify';
import { loggerOptions } from '../src/app.js';
import { loadConfig } from '../src/config.js';

/*
 * The yardstick: a bare Fastify route returning a small JSON object, with the product's
 * logger settings (level from LOG_LEVEL, redaction, request serializer), so the ratio
 * "product route / bare route" measures what the product adds, not logging.
 */
const config = loadConfig();
const app = Fastify({ logger: loggerOptions(config) });
app.get('/', async () => ({ ok: true, service: 'baseline' }));
await app.listen({ port: config.port, host: config.host });
