import { Type } from 'typebox';
import type { StaffPrincipal } from '../../domain/principals.js';
import { nowSeconds, staffOf } from '../../http/request-context.js';
import { StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { StatisticsService } from '../statistics/index.js';
import type { DashboardRepository, DashboardScope } from './repository.js';

const Count = (description: string) => Type.Integer({ minimum: 0, description });
const PeriodFigures = Type.Object({
  inquiries: Count('registered (add_time) in the period'),
  appointments: Count('order_time in the period'),
  arrivals: Count('reach_time in the period'),
});

const ListLink = Type.Object(
  {
    method: Type.Literal('GET'),
    path: Type.String({ description: 'under /back_end/api/v1/: patient/ (the pool list) or worklists/follow-ups' }),
    query: Type.Record(Type.String(), Type.String(), {
      description: "the list's query parameters (besides the token and paging); its total equals the card's count",
    }),
  },
  { description: 'the list of the patients a card counts' },
);
const PeriodLinks = Type.Object({ inquiries: ListLink, appointments: ListLink, arrivals: ListLink });

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
    followUpsDue: Count(
      "the caller's patients (author) whose follow-up plan is due today or overdue: GET worklists/follow-ups " +
        'overdue + today for consultant_id = the caller',
    ),
    lists: Type.Object(
      {
        today: PeriodLinks,
        month: PeriodLinks,
        expectedToday: Type.Object({ total: ListLink, pending: ListLink }),
        followUpsDue: ListLink,
      },
      { description: 'per card, the list that shows the patients it counts (same caller, same scope)' },
    ),
  }),
});

type Link = { method: 'GET'; path: string; query: Record<string, string> };
const patientList = (query: Record<string, string | number>): Link => ({
  method: 'GET',
  path: 'patient/',
  query: Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)])),
});
/** The pool list of the patients whose `column` falls in [from, to]: what a period card counts. */
const periodLinks = (from: number, to: number) => ({
  inquiries: patientList({ add_time_from: from, add_time_to: to }),
  appointments: patientList({ order_time_from: from, order_time_to: to }),
  arrivals: patientList({ reach_time_from: from, reach_time_to: to }),
});

/**
 * The dashboard shows counts only, so a user with dashboard access but neither view
 * permission sees the figures of the patients they registered themselves.
 */
const dashboardScope = (staff: StaffPrincipal): DashboardScope =>
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
        "caller's own patients count. followUpsDue: the caller's patients whose follow-up plan (the latest contact's " +
        'next date) is on or before today. `lists` gives, per card, the list that shows the patients it counts: ' +
        'GET patient/ with time-range filters (each figure by its own time column), or GET worklists/follow-ups; ' +
        "called by the same user its total is the card's count (a caller without patients:view_own or view_all " +
        'sees the counts of the patients they registered, but the list answers them 403).',
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
          lists: {
            today: periodLinks(day.start, day.end),
            month: periodLinks(period.monthStart, period.monthEnd),
            expectedToday: {
              total: patientList({ order_time_from: day.start, order_time_to: day.end }),
              pending: patientList({ order_time_from: day.start, order_time_to: day.end, state: 0 }),
            },
            followUpsDue: {
              method: 'GET' as const,
              path: 'worklists/follow-ups',
              query: { consultant_id: String(staff.id), due: 'due' },
            },
          },
        },
      };
    },
  });
}
