import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/db/database.js';
import { createTestDatabase, type TestDatabase, testDialect } from '../support/database.js';

/**
 * A database too busy to answer in time (a statement cut by the request timeout, a write lock not
 * had in time) is the server's temporary state, answered 503 like an outage: never a 500. The
 * errors come from the real drivers.
 */
let database: TestDatabase | undefined;
afterAll(async () => database?.drop());

describe('a database too busy to answer counts as unavailable (503)', () => {
  it.runIf(testDialect() === 'postgres')('PostgreSQL: a statement cut by statement_timeout (57014)', async () => {
    database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('set statement_timeout = 20');
      const error = await client.query('select pg_sleep(1)').then(
        () => undefined,
        (cause: unknown) => cause,
      );
      expect((error as { code?: string }).code).toBe('57014');
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it.runIf(testDialect() === 'sqlite')(
    'SQLite: a write that cannot get the lock within busy_timeout (SQLITE_BUSY)',
    async () => {
      database = await createTestDatabase();
      const file = database.url.slice('sqlite:'.length);
      const holder = new SqliteDatabase(file);
      const waiter = new SqliteDatabase(file);
      try {
        holder.exec('create table t (x integer)');
        waiter.pragma('busy_timeout = 10');
        holder.exec('begin immediate');
        let error: unknown;
        try {
          waiter.exec('insert into t values (1)');
        } catch (cause) {
          error = cause;
        }
        expect((error as { code?: string }).code).toBe('SQLITE_BUSY');
        expect(isDatabaseUnavailable(error)).toBe(true);
        holder.exec('rollback');
      } finally {
        holder.close();
        waiter.close();
      }
    },
  );
});
