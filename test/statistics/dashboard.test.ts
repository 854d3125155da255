import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClinicClock } from '../../src/domain/clinic-time/clinic-clock.js';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createPatient, createRole, recordTestArrival } from './support.js';

let server: TestServer;
let admin: string;
let adminId: number;
let consultant: { id: number; token: string };

const clock = new ClinicClock('Asia/Shanghai');
const shiftDate = (date: string, days: number) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
};

/*
 * Today (clinic calendar): the admin registers two and the consultant one; one of the
 * admin's is booked for today and arrives, the consultant's is booked for today and has not
 * come yet. One admin record from before this month, booked earlier, never counts today.
 */
beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  adminId = (
    await server.database.db
      .selectFrom('staff_users')
      .select('id')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow()
  ).id;
  consultant = await createStaffUser(server, 'dash_consultant', DEFAULT_ROLE.consultant);
  const now = unixNow();
  const period = clock.periodsAround(now);
  const arrived = await createPatient(server, admin, { name: '今日到诊', add_time: period.dayStart, order_time: now });
  await recordTestArrival(server, arrived, now);
  await createPatient(server, admin, { name: '今日登记', add_time: now });
  await createPatient(server, consultant.token, { name: '今日预约', add_time: now, order_time: now });
  await createPatient(server, admin, {
    name: '上月',
    add_time: period.monthStart - 86_400,
    order_time: period.monthStart - 3600,
  });

  // Follow-ups: due (yesterday); settled by a later contact; the consultant's patient, whose plan
  // (the latest contact, by whoever made it) is today's call, not the admin's earlier one for tomorrow.
  const patients = await server.database.db.selectFrom('patients').select('id').orderBy('id').execute();
  const [p1, p2, p3] = patients.map((row) => row.id) as [number, number, number];
  const today = period.today;
  const followUp = (patient_id: number, staff_id: number, contact_time: number, next: string | null) => ({
    patient_id,
    staff_id,
    contact_time,
    way: '电话',
    content: '回访',
    next_follow_up_date: next,
    created_at: now,
  });
  await server.database.db
    .insertInto('follow_ups')
    .values([
      followUp(p1, adminId, now - 7200, shiftDate(today, -1)),
      followUp(p2, adminId, now - 7200, shiftDate(today, -3)),
      followUp(p2, adminId, now - 3600, shiftDate(today, 5)),
      followUp(p3, adminId, now - 7200, shiftDate(today, 1)),
      followUp(p3, consultant.id, now - 3600, today),
    ])
    .execute();
});
afterAll(async () => server?.close());

describe('GET dashboard/', () => {
  it("shows the administrator today's and this month's figures for everyone", async () => {
    const response = await server.http.get(`${STAFF}/dashboard/`, { query: { token: admin } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const { lists, ...figures } = response.body.dashboard;
    expect(Object.keys(lists)).toEqual(['today', 'month', 'expectedToday', 'followUpsDue']);
    expect(figures).toEqual({
      date: clock.dateAt(unixNow()),
      timeZone: 'Asia/Shanghai',
      scope: 'all',
      today: { inquiries: 3, appointments: 2, arrivals: 1 },
      month: { inquiries: 3, appointments: 2, arrivals: 1 },
      expectedToday: { total: 2, pending: 1 },
      followUpsDue: 1,
    });
  });

  it("links every card to the list of the patients it counts: the list's total is the count", async () => {
    for (const token of [admin, consultant.token]) {
      const { dashboard } = (await server.http.get(`${STAFF}/dashboard`, { bearer: token })).body;
      const cards: [number, any][] = [
        [dashboard.today.inquiries, dashboard.lists.today.inquiries],
        [dashboard.today.appointments, dashboard.lists.today.appointments],
        [dashboard.today.arrivals, dashboard.lists.today.arrivals],
        [dashboard.month.inquiries, dashboard.lists.month.inquiries],
        [dashboard.month.appointments, dashboard.lists.month.appointments],
        [dashboard.month.arrivals, dashboard.lists.month.arrivals],
        [dashboard.expectedToday.total, dashboard.lists.expectedToday.total],
        [dashboard.expectedToday.pending, dashboard.lists.expectedToday.pending],
        [dashboard.followUpsDue, dashboard.lists.followUpsDue],
      ];
      for (const [count, link] of cards) {
        expect(link.method).toBe('GET');
        const listed = await server.http.get(`${STAFF}/${link.path}`, { bearer: token, query: link.query });
        expect(listed.status, listed.text).toBe(200);
        expect(listed.body.total, `${link.path} ${JSON.stringify(link.query)}`).toBe(count);
      }
      expect(cards.some(([count]) => count > 0)).toBe(true);
    }
  });

  it('shows a consultant only their own patients and their own follow-ups', async () => {
    const response = await server.http.get(`${STAFF}/dashboard`, { bearer: consultant.token });
    expect(response.status).toBe(200);
    expect(response.body.dashboard).toMatchObject({
      scope: 'own',
      today: { inquiries: 1, appointments: 1, arrivals: 0 },
      month: { inquiries: 1, appointments: 1, arrivals: 0 },
      expectedToday: { total: 1, pending: 1 },
      followUpsDue: 1,
    });
  });

  it('refuses a role without dashboard access (403) and no token (401)', async () => {
    await createRole(server, '只看日志', ['logs', 'logs:view']);
    const logsOnly = await createStaffUser(server, 'dash_denied', '只看日志');
    const denied = await server.http.get(`${STAFF}/dashboard/`, { query: { token: logsOnly.token } });
    expect(denied.status).toBe(403);
    expect(denied.body.state_code).toBe(48001);
    expect((await server.http.get(`${STAFF}/dashboard/`)).status).toBe(401);
  });
});

describe('ClinicClock', () => {
  it('finds day boundaries and offset changes in a zone with daylight saving time', () => {
    const newYork = new ClinicClock('America/New_York');
    const segments = newYork.offsetSegments(Date.UTC(2024, 0, 1) / 1000, Date.UTC(2024, 11, 31) / 1000);
    expect(segments).toEqual([
      { until: Date.UTC(2024, 2, 10, 7) / 1000, offsetSeconds: -5 * 3600 },
      { until: Date.UTC(2024, 10, 3, 6) / 1000, offsetSeconds: -4 * 3600 },
      { until: null, offsetSeconds: -5 * 3600 },
    ]);
    expect(newYork.instantOf(2024, 7, 1)).toBe(Date.UTC(2024, 6, 1, 4) / 1000);
    expect(clock.dateTimeText(Date.UTC(2024, 2, 31, 23) / 1000)).toBe('2024-04-01 07:00:00');
    expect(clock.instantOf(2024, 2, 30)).toBeNull();
  });
});
