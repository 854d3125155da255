import { addDays, type ClinicCalendar, daysBetween } from '../../domain/clinic-time/clinic-calendar.js';
import { canSeeFullPhone, type PatientScope, scopeOf } from '../../domain/patient-scope.js';
import type { PermissionKey } from '../../domain/permissions.js';
import { maskPhone } from '../../domain/phone.js';
import { nowSeconds, staffOf } from '../../http/request-context.js';
import { withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { DueBucket, FollowUpWorklistRepository } from '../follow-ups/index.js';
import { FollowUpWorklistQuery, FollowUpWorklistResponse } from './follow-up-schemas.js';

const VIEW: PermissionKey[] = ['patients:view_own', 'patients:view_all', 'patients:view_booked'];
const BUCKETS: Record<'due' | 'overdue' | 'today' | 'upcoming' | 'all', DueBucket[]> = {
  due: ['overdue', 'today'],
  overdue: ['overdue'],
  today: ['today'],
  upcoming: ['upcoming'],
  all: ['overdue', 'today', 'upcoming'],
};

/** 回访工作台: the consultants' follow-up plans, due today, overdue and upcoming. */
export function registerFollowUpWorklistRoutes(
  app: TypedApp,
  plans: FollowUpWorklistRepository,
  calendar: ClinicCalendar,
): void {
  app.get('/worklists/follow-ups', {
    schema: {
      tags: ['staff: worklists'],
      summary: 'Follow-up worklist: patients whose plan is overdue, due today or upcoming, filterable',
      description:
        "A patient's plan is their latest follow-up contact's next_follow_up_date, whoever made it (POST " +
        'patient/{id}/follow-ups records one and so replaces the plan; a contact without a date ends it). Rows are the ' +
        'live patients in scope with a plan in the asked buckets (dates in the clinic calendar, CLINIC_TIMEZONE), ' +
        'earliest date first. consultant_id filters by the consultant holding the patient (author): a manager picks ' +
        'one, a caller who sees only their own patients gets only those whatever they pass. counts gives every ' +
        "bucket's size under the same filters. The dashboard's followUpsDue is this list's total with " +
        'consultant_id = the caller and due=due (its link says so).',
      querystring: FollowUpWorklistQuery,
      response: withErrors('staff', { 200: FollowUpWorklistResponse }, [400, 401, 403]),
    },
    config: { access: VIEW },
    handler: async (request) => {
      const staff = staffOf(request);
      const scope: PatientScope = scopeOf(staff);
      const q = request.query;
      const today = calendar.dateAt(nowSeconds());
      const dates = { today, upcomingUntil: addDays(today, q.upcoming_days) };
      const filters = { consultantId: q.consultant_id, mediaFromId: q.media_from_id, state: q.state };
      const buckets = BUCKETS[q.due];
      const [counts, rows] = await Promise.all([
        plans.counts(scope, filters, dates),
        plans.page(scope, filters, buckets, dates, { page: q.page, pageSize: q.page_size }),
      ]);
      const showFullPhone = canSeeFullPhone(staff);
      const asText = (value: number | null) => (value === null ? null : String(value));
      return {
        ...dates,
        counts,
        total: buckets.reduce((sum, bucket) => sum + counts[bucket], 0),
        page: q.page,
        pageSize: q.page_size,
        rows: rows.map((row) => {
          const date = row.next_follow_up_date!;
          return {
            patientId: String(row.id),
            patientName: row.name,
            tel: row.tel === null ? null : showFullPhone ? row.tel : maskPhone(row.tel),
            state: String(row.state),
            consultantId: asText(row.author_id),
            consultantName: row.consultant_name,
            mediaFromId: asText(row.media_from_id),
            mediaFromName: row.media_from_name,
            nextFollowUpDate: date,
            due: (date < today ? 'overdue' : date === today ? 'today' : 'upcoming') as DueBucket,
            daysOverdue: daysBetween(date, today),
            lastContactAt: asText(row.last_contact_at === null ? null : Number(row.last_contact_at)),
            lastContactWay: row.last_contact_way,
            lastContactBy: row.last_contact_by,
          };
        }),
      };
    },
  });
}
