import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/clinic-time/clinic-calendar.js';
import { clinicToday } from '../appointments/helpers.js';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin, uniquePhone, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/*
 * 回访工作台: a consultant starts the day with the patients to call. A patient's plan is their
 * latest contact's next date, whoever made it, so a contact by the manager counts for the
 * consultant's patient, and a later contact without a date ends the plan. The dashboard's
 * 待回访 is the list's due + overdue for the consultant.
 */

let server: TestServer;
let admin: string;
let consultantA: { id: number; token: string };
let consultantB: { id: number; token: string };
let manager: { id: number; token: string };
let baidu: number;
const ids: Record<string, number> = {};
const today = () => clinicToday();

async function register(token: string, name: string, extra: Record<string, unknown> = {}) {
  const response = await server.http.post(`${STAFF}/patient/`, {
    json: { token, name, tel: uniquePhone(), add_time: unixNow() - 30 * 86_400, state: 0, ...extra },
  });
  expect(response.status, response.text).toBe(201);
  return Number(response.body.newPatient.id);
}

async function contact(token: string, patientId: number, next: string | null, secondsAgo = 600) {
  const response = await server.http.post(`${STAFF}/patient/${patientId}/follow-ups`, {
    json: { token, contact_time: unixNow() - secondsAgo, way: '电话', content: '回访', next_follow_up_date: next },
  });
  expect(response.status, response.text).toBe(201);
}

const worklist = (token: string, query: Record<string, string | number> = {}) =>
  server.http.get(`${STAFF}/worklists/follow-ups`, { bearer: token, query });
const names = (body: any) => body.rows.map((row: any) => row.patientName);

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  consultantA = await createStaffUser(server, 'work_a', DEFAULT_ROLE.consultant);
  consultantB = await createStaffUser(server, 'work_b', DEFAULT_ROLE.consultant);
  manager = await createStaffUser(server, 'work_manager', DEFAULT_ROLE.manager);
  baidu = (
    await server.database.db
      .selectFrom('channels')
      .select('id')
      .where('name', '=', '百度推广')
      .executeTakeFirstOrThrow()
  ).id;
  const a = consultantA.token;
  ids.overdue = await register(a, '逾期', { media_from_id: baidu });
  ids.dueToday = await register(a, '今天');
  ids.upcoming = await register(a, '三天后');
  ids.farAway = await register(a, '二十天后');
  ids.ended = await register(a, '已结束');
  ids.byManager = await register(a, '主管回访');
  ids.lost = await register(a, '流失', { state: 2 });
  ids.deleted = await register(a, '已删除');
  ids.ofB = await register(consultantB.token, '乙的');
  await contact(a, ids.overdue!, addDays(today(), -2));
  await contact(a, ids.dueToday!, today());
  await contact(a, ids.upcoming!, addDays(today(), 3));
  await contact(a, ids.farAway!, addDays(today(), 20));
  await contact(a, ids.ended!, addDays(today(), -5), 1200);
  await contact(a, ids.ended!, null, 600);
  // The consultant planned next week; the administrator called later and asked for today.
  await contact(a, ids.byManager!, addDays(today(), 7), 1200);
  await contact(admin, ids.byManager!, today(), 600);
  await contact(a, ids.lost!, addDays(today(), -1));
  await contact(a, ids.deleted!, today());
  expect((await server.http.delete(`${STAFF}/patient/${ids.deleted}`, { bearer: admin })).status).toBe(200);
  await contact(consultantB.token, ids.ofB!, addDays(today(), -1));
});
afterAll(async () => server?.close());

describe('GET worklists/follow-ups', () => {
  it("gives a consultant their patients due today and overdue, earliest first, with the dashboard's count", async () => {
    const response = await worklist(consultantA.token);
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({
      today: today(),
      upcomingUntil: addDays(today(), 7),
      counts: { overdue: 2, today: 2, upcoming: 1 },
      total: 4,
    });
    expect(names(response.body)).toEqual(['逾期', '流失', '今天', '主管回访']);
    const first = response.body.rows[0];
    expect(first).toMatchObject({
      patientId: String(ids.overdue),
      consultantId: String(consultantA.id),
      consultantName: 'work_a',
      mediaFromName: '百度推广',
      nextFollowUpDate: addDays(today(), -2),
      due: 'overdue',
      daysOverdue: 2,
      lastContactWay: '电话',
      lastContactBy: 'work_a',
    });
    expect(response.body.rows[3]).toMatchObject({ due: 'today', daysOverdue: 0, lastContactBy: expect.any(String) });
    // Each row opens its patient.
    const opened = await server.http.get(`${STAFF}/patient/${first.patientId}`, { bearer: consultantA.token });
    expect(opened.status).toBe(200);

    const dashboard = await server.http.get(`${STAFF}/dashboard`, { bearer: consultantA.token });
    expect(dashboard.body.dashboard.followUpsDue).toBe(4);
    const link = dashboard.body.dashboard.lists.followUpsDue;
    expect(link).toEqual({
      method: 'GET',
      path: 'worklists/follow-ups',
      query: { consultant_id: String(consultantA.id), due: 'due' },
    });
    const linked = await server.http.get(`${STAFF}/${link.path}`, { bearer: consultantA.token, query: link.query });
    expect(linked.body.total).toBe(4);
    // The older due list names the same patients.
    const due = await server.http.get(`${STAFF}/follow-ups/due`, { bearer: consultantA.token });
    expect(due.body.total).toBe(4);
    expect(due.body.followUps.map((row: any) => row.patientName).sort()).toEqual(
      ['逾期', '流失', '今天', '主管回访'].sort(),
    );
  });

  it('moves across the buckets: overdue, today, upcoming within the days asked, all', async () => {
    expect(names((await worklist(consultantA.token, { due: 'overdue' })).body)).toEqual(['逾期', '流失']);
    expect(names((await worklist(consultantA.token, { due: 'today' })).body)).toEqual(['今天', '主管回访']);
    expect(names((await worklist(consultantA.token, { due: 'upcoming' })).body)).toEqual(['三天后']);
    const month = await worklist(consultantA.token, { due: 'upcoming', upcoming_days: 30 });
    expect(names(month.body)).toEqual(['三天后', '二十天后']);
    const all = await worklist(consultantA.token, { due: 'all', page_size: 2, page: 3 });
    expect(all.body.total).toBe(5);
    expect(names(all.body)).toEqual(['三天后']);
  });

  it('filters by channel and state, and by consultant for a manager; a consultant sees only their own', async () => {
    expect(names((await worklist(consultantA.token, { media_from_id: baidu })).body)).toEqual(['逾期']);
    expect(names((await worklist(consultantA.token, { state: 2 })).body)).toEqual(['流失']);
    const everyone = await worklist(manager.token);
    expect(everyone.status, everyone.text).toBe(200);
    expect(everyone.body.total).toBe(5);
    expect(names(everyone.body)).toContain('乙的');
    const ofA = await worklist(manager.token, { consultant_id: consultantA.id });
    expect(ofA.body.counts).toEqual({ overdue: 2, today: 2, upcoming: 1 });
    const ofB = await worklist(manager.token, { consultant_id: consultantB.id });
    expect(names(ofB.body)).toEqual(['乙的']);
    const peeking = await worklist(consultantA.token, { consultant_id: consultantB.id });
    expect(peeking.body).toMatchObject({ total: 0, rows: [], counts: { overdue: 0, today: 0, upcoming: 0 } });
    // Masked phones for a role without the full-phone permission.
    const frontDesk = await createStaffUser(server, 'work_front', DEFAULT_ROLE.frontDesk);
    const masked = await worklist(frontDesk.token);
    expect(masked.status).toBe(200);
    expect(masked.body.rows.every((row: any) => /^\d{3}\*{4}\d{4}$/.test(row.tel))).toBe(true);
  });

  it('refuses bad buckets and ranges, and callers without a patient view', async () => {
    const refused: Record<string, string | number>[] = [
      { due: 'soon' },
      { upcoming_days: 0 },
      { upcoming_days: 91 },
      { page_size: 500 },
    ];
    for (const query of refused) {
      const response = await worklist(consultantA.token, query);
      expect(response.status, JSON.stringify(query)).toBe(400);
    }
    expect((await server.http.get(`${STAFF}/worklists/follow-ups`)).status).toBe(401);
  });
});
