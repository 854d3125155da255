import { createHash, timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DatabaseHandle } from '../../db/database.js';
import { HttpMetrics } from './http-metrics.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Bearer token check in constant time: both sides are hashed to equal-length digests first. */
export function bearerMatches(request: FastifyRequest, expectedDigest: Buffer): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice('Bearer '.length).trim()), expectedDigest);
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function renderDatabase(lines: string[], database: DatabaseHandle): void {
  const stats = database.poolStats?.();
  if (stats) {
    lines.push('# HELP carepool_db_pool_connections PostgreSQL pool connections by state.');
    lines.push('# TYPE carepool_db_pool_connections gauge');
    lines.push(`carepool_db_pool_connections{state="total"} ${stats.total}`);
    lines.push(`carepool_db_pool_connections{state="idle"} ${stats.idle}`);
    lines.push('# HELP carepool_db_pool_waiting_requests Queries waiting for a free pool connection.');
    lines.push('# TYPE carepool_db_pool_waiting_requests gauge');
    lines.push(`carepool_db_pool_waiting_requests ${stats.waiting}`);
  }
  if (database.sqliteFile !== undefined && database.sqliteFile !== ':memory:') {
    // SQLite has no pool (one connection in process); its file and WAL sizes are what grows.
    lines.push('# HELP carepool_db_sqlite_file_bytes Size of the SQLite database file and its write-ahead log.');
    lines.push('# TYPE carepool_db_sqlite_file_bytes gauge');
    lines.push(`carepool_db_sqlite_file_bytes{file="db"} ${fileSize(database.sqliteFile)}`);
    lines.push(`carepool_db_sqlite_file_bytes{file="wal"} ${fileSize(`${database.sqliteFile}-wal`)}`);
  }
}

function renderProcess(lines: string[], loopDelay: ReturnType<typeof monitorEventLoopDelay>): void {
  const memory = process.memoryUsage();
  lines.push('# HELP carepool_process_memory_bytes Process memory by kind.');
  lines.push('# TYPE carepool_process_memory_bytes gauge');
  lines.push(`carepool_process_memory_bytes{kind="rss"} ${memory.rss}`);
  lines.push(`carepool_process_memory_bytes{kind="heap_total"} ${memory.heapTotal}`);
  lines.push(`carepool_process_memory_bytes{kind="heap_used"} ${memory.heapUsed}`);
  lines.push(`carepool_process_memory_bytes{kind="external"} ${memory.external}`);
  // The delay histogram is reset on every scrape: the figures cover the last scrape interval.
  const seconds = (nanoseconds: number) => (Number.isFinite(nanoseconds) ? nanoseconds / 1e9 : 0);
  lines.push('# HELP carepool_event_loop_lag_seconds Event-loop delay since the previous scrape.');
  lines.push('# TYPE carepool_event_loop_lag_seconds gauge');
  lines.push(`carepool_event_loop_lag_seconds{stat="mean"} ${seconds(loopDelay.mean)}`);
  lines.push(`carepool_event_loop_lag_seconds{stat="p50"} ${seconds(loopDelay.percentile(50))}`);
  lines.push(`carepool_event_loop_lag_seconds{stat="p99"} ${seconds(loopDelay.percentile(99))}`);
  lines.push(`carepool_event_loop_lag_seconds{stat="max"} ${seconds(loopDelay.max)}`);
  loopDelay.reset();
  lines.push('# HELP carepool_process_uptime_seconds Seconds since the process started.');
  lines.push('# TYPE carepool_process_uptime_seconds gauge');
  lines.push(`carepool_process_uptime_seconds ${process.uptime()}`);
}

/**
 * GET /metrics in the Prometheus text format, only when METRICS_TOKEN is set (otherwise
 * nothing is registered and the path answers 404 like any unknown one). Call before the
 * API families are registered so the timing hook sees every route.
 */
export function registerMetrics(
  app: FastifyInstance,
  options: { token: string | undefined; database: DatabaseHandle },
): void {
  if (options.token === undefined) return;
  const expected = digest(options.token);
  const http = new HttpMetrics();
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  app.addHook('onClose', async () => loopDelay.disable());

  app.addHook('onResponse', async (request, reply) => {
    http.record(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get('/metrics', {
    schema: { hide: true },
    // Guarded by its own bearer token (not a staff or patient session): scrapers are not users.
    config: { access: 'public' },
    handler: async (request, reply) => {
      if (!bearerMatches(request, expected)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .type('text/plain; charset=utf-8')
          .send('unauthorized\n');
      }
      const lines: string[] = [];
      http.render(lines);
      renderDatabase(lines, options.database);
      renderProcess(lines, loopDelay);
      lines.push('');
      return reply
        .type('text/plain; version=0.0.4; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(lines.join('\n'));
    },
  });
}
