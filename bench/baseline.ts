import Fastify from 'fastify';
import { loggerOptions } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { precompiled } from '../src/db/precompiled.js';

/*
 * The yardstick: a bare Fastify route returning a small JSON object, with the product's
 * logger settings (level from LOG_LEVEL, redaction, request serializer), so the ratio
 * "product route / bare route" measures what the product adds, not logging.
 *
 * With BASELINE_DATABASE_URL, a second route reads one patient row by primary key the way the
 * product's per-request lookups do (precompiled, through the direct reader) and nothing else:
 * the ceiling for any route that must read a row, which on PostgreSQL is set by the round
 * trip, not by the application.
 */
const config = loadConfig();
const app = Fastify({ logger: loggerOptions(config) });
app.get('/', async () => ({ ok: true, service: 'baseline' }));
const databaseUrl = process.env.BASELINE_DATABASE_URL;
if (databaseUrl) {
  const database = openDatabase(databaseUrl);
  app.addHook('onClose', () => database.close());
  const patientById = precompiled(database.db, (db, id: number) =>
    db.selectFrom('patients').selectAll().where('id', '=', id),
  );
  app.get('/row', async () => ({ row: await patientById(1) }));
}
await app.listen({ port: config.port, host: config.host });
