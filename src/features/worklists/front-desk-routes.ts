import { addDays, type ClinicCalendar, isCalendarDate } from '../../domain/clinic-time/clinic-calendar.js';
import { canSeeFullPhone, scopeOf } from '../../domain/patient-scope.js';
import { maskPhone } from '../../domain/phone.js';
import { invalidField } from '../../http/errors.js';
import { nowSeconds, staffOf } from '../../http/request-context.js';
import { withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { ArrivalState, FrontDeskRepository } from '../booking/index.js';
import { FrontDeskQuery, FrontDeskResponse } from './front-desk-schemas.js';

const WALK_IN_LIMIT = 1000;
const asText = (value: number | null) => (value === null ? null : String(value));

/** What a booked row offers: arrival from its date on, 爽约 once its session started, cancel any time. */
function actionsOf(
  row: { id: number; state: ArrivalState; start_time: number },
  date: string,
  today: string,
  now: number,
  mayManage: boolean,
) {
  if (!mayManage || (row.state !== 'waiting' && row.state !== 'late')) return [];
  const action = (name: 'arrive' | 'miss' | 'cancel') => ({
    name,
    method: 'POST' as const,
    path: `appointment/${row.id}/${name}`,
  });
  return [
    ...(date <= today ? [action('arrive')] : []),
    ...(Number(row.start_time) <= now ? [action('miss')] : []),
    action('cancel'),
  ];
}

/** 前台今日: one clinic date across every doctor. */
export function registerFrontDeskRoutes(
  app: TypedApp,
  frontDesk: FrontDeskRepository,
  calendar: ClinicCalendar,
  lateAfterMinutes: number,
): void {
  app.get('/worklists/front-desk', {
    schema: {
      tags: ['staff: worklists'],
      summary: "The front desk's day across all doctors: expected arrivals by time, walk-ins, who arrived, who is late",
      description:
        "One clinic date (default today) of every doctor (doctor_id narrows it), in the caller's scope. appointments: " +
        "the date's bookings (cancelled ones only counted), by session start, then doctor, then id, so paging skips and " +
        'repeats nothing; each row says its state, and which existing routes it offers now (`actions`: POST ' +
        'appointment/{id}/arrive records the visit and the pool state, /miss, /cancel; only with appointments:manage). ' +
        'A booked patient is late LATE_AFTER_MINUTES after the session start (morning 08:00, afternoon 13:30). ' +
        'walkIns: the visits of that day without an appointment, of patients with no appointment that date; a walk-in ' +
        'is checked in with POST patient/{patient_id}/arrival (patients:confirm_arrival), named in `checkIn`. ' +
        'previousDate / nextDate move by one day: every doctor at once, nothing skipped.',
      querystring: FrontDeskQuery,
      response: withErrors('staff', { 200: FrontDeskResponse }, [400, 401, 403]),
    },
    config: { access: 'appointments:view' },
    handler: async (request) => {
      const staff = staffOf(request);
      const q = request.query;
      const now = nowSeconds();
      const today = calendar.dateAt(now);
      const date = q.date ?? today;
      if (!isCalendarDate(date)) throw invalidField('date', '须为真实日期 YYYY-MM-DD');
      const nextDate = addDays(date, 1);
      const query = {
        date,
        day: { start: calendar.instantOnDate(date, 0), end: calendar.instantOnDate(nextDate, 0) - 1 },
        scope: scopeOf(staff),
        doctorId: q.doctor_id,
        state: q.state,
        now,
        graceSeconds: lateAfterMinutes * 60,
      };
      const [summary, page, walkIns] = await Promise.all([
        frontDesk.summary(query),
        frontDesk.page(query, { page: q.page, pageSize: q.page_size }),
        frontDesk.walkIns(query, WALK_IN_LIMIT),
      ]);
      const showFullPhone = canSeeFullPhone(staff);
      const mayManage = staff.permissions.has('appointments:manage');
      const phone = (tel: string | null) => (tel === null ? null : showFullPhone ? tel : maskPhone(tel));
      return {
        date,
        previousDate: addDays(date, -1),
        nextDate,
        today,
        lateAfterMinutes,
        summary: { ...summary, walkIns: walkIns.total },
        appointments: page.rows.map((row) => ({
          appointmentId: String(row.id),
          patientId: String(row.patient_id),
          patientName: row.patient_name,
          tel: phone(row.patient_tel),
          consultantId: asText(row.author_id),
          consultantName: row.consultant_name,
          doctorId: String(row.doctor_id),
          doctorName: row.doctor_name,
          departmentName: row.department_name,
          period: row.period,
          startTime: String(row.start_time),
          state: row.state,
          source: row.source,
          arrivedAt: asText(row.visit_time === null ? null : Number(row.visit_time)),
          seenAt: asText(row.seen_at === null ? null : Number(row.seen_at)),
          lateMinutes: row.state === 'late' ? Math.floor((now - Number(row.start_time)) / 60) : 0,
          actions: actionsOf(row, date, today, now, mayManage),
        })),
        total: page.total,
        page: q.page,
        pageSize: q.page_size,
        walkIns: walkIns.rows.map((row) => ({
          visitId: String(row.id),
          patientId: String(row.patient_id),
          patientName: row.patient_name,
          tel: phone(row.patient_tel),
          consultantId: asText(row.author_id),
          consultantName: row.consultant_name,
          doctorId: asText(row.doctor_id),
          doctorName: row.doctor_name,
          arrivedAt: String(row.visit_time),
          visitType: row.is_first_visit === 1 ? ('first' as const) : ('return' as const),
        })),
        walkInsTotal: walkIns.total,
        checkIn: {
          method: 'POST' as const,
          path: 'patient/{patient_id}/arrival',
          description:
            'check in a walk-in: records the visit (first or return), state 已到 and spend (patients:confirm_arrival)',
        },
      };
    },
  });
}
