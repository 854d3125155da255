import type { FastifyBaseLogger } from 'fastify';
import { type DatabaseHandle, onMaintenanceConnection } from '../../db/database.js';
import type { BackgroundJob } from '../../jobs.js';
import { startRollupCompaction, syncRollup } from './rollup-sync.js';

/**
 * The rollup's two jobs: at start, before the first request, it must count days in this
 * CLINIC_TIMEZONE (rebuilt once after 0008 or a zone change: every patient counted, 7.4 s at 1M
 * on PostgreSQL, past the request timeouts at a few million, so on the maintenance connection);
 * then, on PostgreSQL, the triggers' deltas are folded every few seconds.
 */
export function rollupJobs(
  database: DatabaseHandle,
  databaseUrl: string,
  timeZone: string,
  log: FastifyBaseLogger,
): BackgroundJob[] {
  let stopCompaction = async () => {};
  return [
    {
      name: 'rollup-sync',
      beforeServing: true,
      start: async () => {
        const started = Date.now();
        const rebuilt = await onMaintenanceConnection(databaseUrl, database.db, database.dialect, (db) =>
          syncRollup(db, database.dialect, timeZone),
        );
        if (rebuilt) log.info({ timeZone, ms: Date.now() - started }, 'statistics rollup rebuilt');
      },
      stop: async () => {},
    },
    {
      name: 'rollup-compaction',
      start: async () => {
        stopCompaction = startRollupCompaction(database.db, database.dialect, (error) =>
          log.warn({ err: error }, 'statistics rollup compaction failed; retrying'),
        );
      },
      stop: () => stopCompaction(),
    },
  ];
}
