import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';

/** How long a starting instance waits for the rate limit's Redis before it serves (uncounted) anyway. */
export const REDIS_STARTUP_WAIT_MS = 1_500;

/** Prefix of every key the request rate limit writes to Redis (shared Redis servers stay tidy). */
export const RATE_LIMIT_REDIS_NAMESPACE = 'carepool:rate-limit:';

/**
 * The Redis client behind the request rate limit when REDIS_URL is set, so every instance
 * behind a load balancer counts one client's requests together.
 *
 * Redis is an optimisation, not a dependency: while it is unreachable a command fails at
 * once (no offline queue, one try, short connect timeout) and @fastify/rate-limit's
 * skipOnError lets the request through, so an outage never turns requests into 5xx or
 * hangs them. Errors are logged once per outage, not once per reconnect attempt.
 */
export function createRateLimitRedis(url: string, log: FastifyBaseLogger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 500,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    connectionName: 'carepool-rate-limit',
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn(
      { err: error.message },
      'rate-limit Redis unreachable: requests are let through unlimited until it is back',
    );
  });
  redis.on('ready', () => {
    if (down) log.warn('rate-limit Redis reachable again');
    down = false;
  });
  return redis;
}

/** Resolves once the client is connected, or after `ms` if it is not (Redis down: start anyway). */
export function whenConnected(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
  });
}
