import { Type } from 'typebox';
import type { PatientScope } from '../../domain/patient-scope.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { nowSeconds, staffOf } from '../../http/request-context.js';
import { StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { StatisticsService } from '../statistics/index.js';
import type { DashboardRepository } from './repository.js';

const Count = (description: string) => Type.Integer({ minimum: 0, description });
const PeriodFigures = Type.Object({
  inquiries: Count('registered (add_time) in the period'),
  appointments: Count('order_time in the period'),
  arrivals: Count('reach_time in the period'),
});

const DashboardResponse = Type.Object({
  dashboard: Type.Object({
    date: Type.String({ description: 'today in the clinic calendar, YYYY-MM-DD' }),
    timeZone: Type.String(),
    scope: Type.Union([Type.Literal('all'), Type.Literal('own')], {
      description: 'own: only the patients the caller registered',
    }),
    today: PeriodFigures,
    month: PeriodFigures,
    expectedToday: Type.Object({
      total: Count('appointments whose order_time is today'),
      pending: Count('of those, still 未到'),
    }),
    followUpsDue: Count("the caller's follow-ups due today or overdue"),
  }),
});

/**
 * The dashboard shows counts only, so a user with dashboard access but neither view
 * permission sees the figures of the patients they registered themselves.
 */
const dashboardScope = (staff: StaffPrincipal): PatientScope =>
  staff.permissions.has('patients:view_all') ? { kind: 'all' } : { kind: 'own', authorId: staff.id };

export function registerDashboardRoutes(
  app: TypedApp,
  repository: DashboardRepository,
  statistics: StatisticsService,
): void {
  const clock = statistics.clock;

  app.get('/dashboard', {
    schema: {
      tags: ['staff: dashboard'],
      summary: "The caller's dashboard: today's and this month's inquiries, appointments, arrivals, follow-ups due",
      description:
        'Day and month follow the clinic calendar (CLINIC_TIMEZONE); "month" is the whole calendar month, so it includes ' +
        'appointments booked for later this month. Counts respect data scope: without patients:view_all only the ' +
        "caller's own patients count. followUpsDue: patients whose latest follow-up by the caller asks for the next " +
        'contact on or before today.',
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: DashboardResponse }, [401, 403]),
    },
    config: { access: 'dashboard' },
    handler: async (request) => {
      const staff = staffOf(request);
      const scope = dashboardScope(staff);
      const period = clock.periodsAround(nowSeconds());
      const day = { start: period.dayStart, end: period.dayEnd };
      const [today, month] = await Promise.all([
        repository.today(scope, day, staff.id, period.today),
        statistics.totals(scope, period.monthStart, period.monthEnd),
      ]);
      return {
        dashboard: {
          date: period.today,
          timeZone: clock.timeZone,
          scope: scope.kind,
          today: { inquiries: today.registered, appointments: today.booked, arrivals: today.arrived },
          month: { inquiries: month.inquiries, appointments: month.appointments, arrivals: month.arrivals },
          expectedToday: { total: today.booked, pending: today.bookedPending },
          followUpsDue: today.followUpsDue,
        },
      };
    },
  });
}
