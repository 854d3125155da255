import { onMaintenanceConnection } from '../../db/database.js';
import { staffOf } from '../../http/request-context.js';
import { withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { CoreServices } from '../../services.js';
import { StatisticsRepository } from './repository.js';
import { RollupRepository } from '../rollup/rollup-repository.js';
import { startRollupCompaction, syncRollup } from '../rollup/rollup-sync.js';
import { ConsultantRankQuery, ConsultantRankResponse, FunnelQuery, FunnelResponse } from './schemas.js';
import { catalogFiltersOf } from '../../domain/patient-filters.js';
import { StatisticsService } from './service.js';

const SCOPE_NOTE =
  'Callers without patients:view_all count only the patients they registered; deleted records never count. ' +
  'Each figure uses its own time column (inquiries add_time, appointments order_time, arrivals and spend reach_time), ' +
  'so the inquiries total equals the total of GET patient/?add_time_from=from&add_time_to=to under the same filters. ';

/** 数据中心: the funnel and the consultant rank. */
export function registerStatisticsRoutes(app: TypedApp, core: CoreServices): void {
  const service = new StatisticsService(new StatisticsRepository(core.db, core.dialect), new RollupRepository(core.db), core.config.clinicTimezone);

  // Before the first request: the rollup must count days in this CLINIC_TIMEZONE (rebuilt once after 0008 or a zone change).
  let stopCompaction = async () => {};
  app.addHook('onReady', async () => {
    const started = Date.now();
    // A rebuild counts every patient: 7.4 s at 1M on PostgreSQL, past the request timeouts at a few million.
    const rebuilt = await onMaintenanceConnection(core.config.databaseUrl, core.db, core.dialect, (db) => syncRollup(db, core.dialect, core.config.clinicTimezone));
    if (rebuilt) {
      app.log.info({ timeZone: core.config.clinicTimezone, ms: Date.now() - started }, 'statistics rollup rebuilt');
    }
    stopCompaction = startRollupCompaction(core.db, core.dialect, (error) => app.log.warn({ err: error }, 'statistics rollup compaction failed; retrying'));
  });
  app.addHook('onClose', () => stopCompaction());

  app.get('/statistics/funnel', {
    schema: {
      tags: ['staff: statistics'],
      summary: 'The funnel (inquiries, appointments, arrivals, lost, arrival rate, spend) by time bucket and group',
      description:
        SCOPE_NOTE +
        'Buckets follow the clinic calendar (CLINIC_TIMEZONE). lost = registered in the bucket and now 流失. ' +
        'arrivalRate = arrivals / appointments of the same bucket (null when there were none). Group labels are catalog ' +
        'names, deactivated entries included; groupKey null collects the records without that field.',
      querystring: FunnelQuery,
      response: withErrors('staff', { 200: FunnelResponse }, [400, 401, 403]),
    },
    config: { access: 'statistics:view' },
    handler: async (request) => {
      const q = request.query;
      const funnel = await service.funnel(staffOf(request), {
        from: q.from,
        to: q.to,
        bucket: q.bucket,
        group: q.group_by,
        filters: catalogFiltersOf(q),
      });
      return { funnel };
    },
  });

  app.get('/statistics/consultant-rank', {
    schema: {
      tags: ['staff: statistics'],
      summary: 'Consultants ranked by arrivals, then arrival rate, for a period',
      description:
        SCOPE_NOTE +
        'A consultant is the staff user who registered the patient (author). Ties on arrivals go to the higher arrival ' +
        'rate, then to more inquiries. Portal self-registrations (no author) are not ranked.',
      querystring: ConsultantRankQuery,
      response: withErrors('staff', { 200: ConsultantRankResponse }, [400, 401, 403]),
    },
    config: { access: 'statistics:view' },
    handler: async (request) => {
      const q = request.query;
      const rank = await service.consultantRank(staffOf(request), { from: q.from, to: q.to, limit: q.limit, filters: catalogFiltersOf(q) });
      return { rank };
    },
  });
}
