import { catalogFiltersOf } from '../../domain/patient-filters.js';
import { staffOf } from '../../http/request-context.js';
import { withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { ConsultantRankQuery, ConsultantRankResponse, FunnelQuery, FunnelResponse } from './schemas.js';
import type { StatisticsService } from './service.js';

const SCOPE_NOTE =
  'Callers without patients:view_all count only the patients they hold (author), or with patients:view_booked those ' +
  'booked with their linked doctor; deleted records never count. ' +
  'Two views (view=): cohort, the default, follows the patients registered in the period (add_time) and says what ' +
  'became of them; activity counts each event by its own time column (registrations add_time, appointments ' +
  'order_time, first arrivals and spend reach_time), as the funnel did before the cohort view. In both, inquiries ' +
  'equals the total of GET patient/?add_time_from=from&add_time_to=to under the same filters; in the cohort view ' +
  'appointments, arrivals, bookedArrivals and lost equal that list with booked=true, arrived=true, both, or state=2. ' +
  'Every rate comes with its numerator and denominator (rates[]). ';

/** 数据中心: the funnel and the consultant rank. */
export function registerStatisticsRoutes(app: TypedApp, service: StatisticsService): void {
  app.get('/statistics/funnel', {
    schema: {
      tags: ['staff: statistics'],
      summary:
        'The funnel (inquiries, appointments, arrivals, lost, rates, spend) by time bucket and group, cohort or activity view',
      description:
        SCOPE_NOTE +
        'Buckets follow the clinic calendar (CLINIC_TIMEZONE); in the cohort view a patient is in the bucket of their ' +
        'add_time. lost = registered in the bucket and now 流失. Group labels are catalog names, deactivated entries ' +
        'included; groupKey null collects the records without that field. figures says what each figure counts in the view.',
      querystring: FunnelQuery,
      response: withErrors('staff', { 200: FunnelResponse }, [400, 401, 403]),
    },
    config: { access: 'statistics:view' },
    handler: async (request) => {
      const q = request.query;
      const funnel = await service.funnel(staffOf(request), {
        view: q.view ?? 'cohort',
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
      summary: 'Consultants ranked by arrivals, then arrival rate, for a period (cohort or activity view)',
      description:
        SCOPE_NOTE +
        'A consultant is the staff user holding the patient (author: who registered it, or whom it was handed over to ' +
        'or who claimed it). Ties on arrivals go to the higher arrival rate, then to more inquiries. Patients without a ' +
        'consultant (portal self-registrations, the shared pool) are not ranked.',
      querystring: ConsultantRankQuery,
      response: withErrors('staff', { 200: ConsultantRankResponse }, [400, 401, 403]),
    },
    config: { access: 'statistics:view' },
    handler: async (request) => {
      const q = request.query;
      const rank = await service.consultantRank(staffOf(request), {
        view: q.view ?? 'cohort',
        from: q.from,
        to: q.to,
        limit: q.limit,
        filters: catalogFiltersOf(q),
      });
      return { rank };
    },
  });
}
