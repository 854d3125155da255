import { buildApp } from './app.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrations/index.js';
import { ensureFirstAdministrator } from './features/staff-users/bootstrap.js';
import { startHousekeeping } from './security/housekeeping.js';
import { resolveJwtSecret } from './security/secret.js';

/** Entry point: config -> database -> migrations -> first admin -> app -> listen. */
async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const database = openDatabase(config.databaseUrl);
  const applied = await migrateToLatest(database.db, database.dialect);
  const jwtSecret = resolveJwtSecret(config.jwtSecret, config.dataDir);
  const app = await buildApp({ config, database, jwtSecret });
  if (applied.length > 0) app.log.info({ migrations: applied }, 'database migrated');
  await ensureFirstAdministrator(database.db, config, app.log);
  const stopHousekeeping = startHousekeeping(database.db, app.log);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    try {
      stopHousekeeping();
      await app.close();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
