import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import { type AppConfig, ConfigError, loadConfig, loadDotEnv } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateForService } from './db/migrations/index.js';
import { ensureFirstAdministrator, firstStartBanner } from './features/staff-users/index.js';
import { resolveJwtSecret } from './security/secret.js';

/** Under Kubernetes' default 30 s grace period; docker-compose.yml sets stop_grace_period: 30s (Docker's default is 10 s). */
const SHUTDOWN_TIMEOUT_MS = 25_000;

/** Entry point: config -> database -> migrations -> first admin -> app -> listen. */
async function main(): Promise<void> {
  loadDotEnv();
  let config: AppConfig;
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
  const applied = await migrateForService(config.databaseUrl, database);
  const jwtSecret = resolveJwtSecret(config.jwtSecret, config.dataDir);
  const app = await buildApp({ config, database, jwtSecret });
  if (applied.length > 0) app.log.info({ migrations: applied }, 'database migrated');
  const firstAdmin = await ensureFirstAdministrator(database.db, config, app.log);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // A request that never ends must not hold the process past the orchestrator's grace period.
    setTimeout(() => {
      app.log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting with requests still open');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    let exitCode = 0;
    try {
      // Node closes idle keep-alive sockets once, when close() starts; a request still in
      // flight then leaves its socket idle and open for keepAliveTimeout (72 s), which would
      // hold close() until the timeout above. Keep reaping idle sockets while draining.
      const reaper = setInterval(() => app.server.closeIdleConnections(), 100);
      try {
        await app.close();
      } finally {
        clearInterval(reaper);
      }
      await database.close();
      app.log.info('shutdown complete');
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      exitCode = 1;
    } finally {
      process.exit(exitCode);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  if (firstAdmin) process.stderr.write(firstStartBanner(firstAdmin, adminUrl(config.host, app.server.address())));
}

/** The back office's address as a browser on this PC reaches it. */
function adminUrl(host: string, address: AddressInfo | string | null): string {
  const port = typeof address === 'object' && address ? address.port : 0;
  const local = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host);
  return `http://${local ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}/admin`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
