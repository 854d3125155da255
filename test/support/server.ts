import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { type AppConfig, loadConfig } from '../../src/config.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrations/index.js';
import { ensureFirstAdministrator } from '../../src/features/staff-users/bootstrap.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { HttpClient } from './http.js';

export const ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD = 'admin-password-1';
export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestServer {
  baseUrl: string;
  app: FastifyInstance;
  database: DatabaseHandle;
  config: AppConfig;
  http: HttpClient;
  close(): Promise<void>;
}

/**
 * The real app on a real database, listening on a real port: tests talk HTTP to it.
 * Rate limiting is off unless a test turns it on, so suites can make many requests.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { logStream?: NodeJS.WritableStream; beforeMigrations?: (database: DatabaseHandle) => Promise<void> } = {},
): Promise<TestServer> {
  const testDatabase: TestDatabase = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: testDatabase.url,
    DATA_DIR: testDatabase.dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_USERNAME,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    // Messages are queued but not delivered unless a test asks (NOTIFY_WORKER: 'on', or a pass of its own).
    NOTIFY_WORKER: 'off',
    ...env,
  });
  const database = openDatabase(config.databaseUrl);
  // An upgrade test fills the database as an older release would have, then the app migrates it.
  await options.beforeMigrations?.(database);
  await migrateToLatest(database.db, database.dialect);
  const app = await buildApp({
    config,
    database,
    jwtSecret: config.jwtSecret ?? TEST_JWT_SECRET,
    ...(options.logStream ? { logStream: options.logStream } : { logger: false as const }),
    // A private UI build (e.g. while another part of the UI is mid-edit); default dist/web.
    ...(process.env.TEST_WEB_BUILD_DIR ? { webBuildDir: process.env.TEST_WEB_BUILD_DIR } : {}),
  });
  await ensureFirstAdministrator(database.db, config, app.log);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server did not bind a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    app,
    database,
    config,
    http: new HttpClient(baseUrl),
    close: async () => {
      await app.close();
      await database.close();
      await testDatabase.drop();
    },
  };
}
