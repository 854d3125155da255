import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/schema.js';
import { SessionRepository } from './session-repository.js';
import { LoginThrottle } from './login-throttle.js';

const HOUR_MS = 3_600_000;

/**
 * Hourly clean-up so security tables stay small: sessions past their refresh deadline
 * can never be used again, and throttle rows whose window and lock have both passed
 * carry no information. Safe to run on every instance at once.
 */
export function startHousekeeping(db: Kysely<Database>, log: FastifyBaseLogger): () => void {
  const sessions = new SessionRepository(db);
  const throttle = new LoginThrottle(db);
  const run = async () => {
    const now = Math.floor(Date.now() / 1000);
    try {
      const purgedSessions = await sessions.purgeExpired(now);
      const purgedThrottle = await throttle.purgeStale(now);
      if (purgedSessions + purgedThrottle > 0) log.info({ purgedSessions, purgedThrottle }, 'housekeeping');
    } catch (error) {
      log.warn({ err: error }, 'housekeeping failed; will retry next hour');
    }
  };
  const timer = setInterval(() => void run(), HOUR_MS);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
