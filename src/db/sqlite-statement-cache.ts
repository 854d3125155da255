import type { Database as SqliteConnection, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Enough for every distinct query the product sends; `in (?, ?, …)` lists of odd lengths just fall out. */
const MAX_CACHED_STATEMENTS = 1000;

/**
 * The better-sqlite3 connection as Kysely sees it, with prepared statements kept per SQL
 * text. Kysely's driver prepares on every execution, and SQLite's prepare (parse and plan)
 * was 13% of the CPU of an authenticated request (bench: staff menu, portal GET /patient).
 * A statement that is mid-iteration (a streamed export) is busy and cannot run twice, so a
 * second user of the same SQL then gets a fresh, uncached statement.
 */
export function withStatementCache(connection: SqliteConnection): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      cache.clear();
      connection.close();
    },
    prepare: (sql: string) => {
      const cached = cache.get(sql);
      if (cached) {
        if (cached.busy) return connection.prepare(sql);
        // Re-inserting keeps the Map's order least-recently-used first.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = connection.prepare(sql);
      if (cache.size >= MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
      return statement;
    },
  };
}
