import { catalogFiltersOf } from '../../domain/patient-filters.js';
import { staffOf } from '../../http/request-context.js';
import { withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { ConsultantRankQuery, ConsultantRankResponse, FunnelQuery, FunnelResponse } from './schemas.js';
import type { StatisticsService } from './service.js';

const SCOPE_NOTE =
  'Callers without patients:view_all count only the patients they registered; deleted records never count. ' +
  'Each figure uses its own time column (inquiries add_time, appointments order_time, arrivals and spend reach_time), ' +
  'so the inquiries total equals the total of GET patient/?add_time_from=from&add_time_to=to under the same filters. ';

/** 数据中心: the funnel and the consultant rank. */
export function registerStatisticsRoutes(app: TypedApp, service: StatisticsService): void {
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
      const rank = await service.consultantRank(staffOf(request), {
        from: q.from,
        to: q.to,
        limit: q.limit,
        filters: catalogFiltersOf(q),
      });
      return { rank };
    },
  });
}
