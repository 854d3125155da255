import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { catalogId, createPatient, createRole, recordTestArrival, shanghai } from './support.js';

let server: TestServer;
let admin: string;
let scoped: { id: number; token: string };
let frontDesk: { id: number; token: string };
let baidu: number;
let wechat: number;
let adminId: number;
let adminName: string;

const FROM = shanghai(2024, 3, 1, 0, 0);
const TO = shanghai(2024, 4, 30, 23, 59) + 59;

/*
 * The hand-made month: channel 百度推广 gets three inquiries in March (one by the scoped
 * consultant), three appointments and two arrivals (50.00 + 100.00); 微信公众号 one lost
 * inquiry in March and, at 07:00 on 1 April clinic time (still 31 March in UTC), one
 * inquiry that books and arrives (123.45); one March inquiry has no channel; a deleted
 * record and one outside the range never count.
 */
beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  const adminRow = await server.database.db
    .selectFrom('staff_users')
    .select(['id', 'display_name'])
    .where('username', '=', 'admin')
    .executeTakeFirstOrThrow();
  adminId = adminRow.id;
  adminName = adminRow.display_name;
  await createRole(server, '统计咨询', [
    'dashboard',
    'patients',
    'patients:view_own',
    'patients:create',
    'statistics',
    'statistics:view',
  ]);
  scoped = await createStaffUser(server, 'stats_consultant', '统计咨询');
  frontDesk = await createStaffUser(server, 'stats_front', DEFAULT_ROLE.frontDesk);
  baidu = await catalogId(server, 'channels', '百度推广');
  wechat = await catalogId(server, 'channels', '微信公众号');

  await createPatient(server, admin, {
    name: '甲',
    add_time: shanghai(2024, 3, 10, 10),
    order_time: shanghai(2024, 3, 12, 9),
    media_from_id: baidu,
  });
  const second = await createPatient(server, admin, {
    name: '乙',
    add_time: shanghai(2024, 3, 11),
    order_time: shanghai(2024, 3, 14),
    media_from_id: baidu,
  });
  await recordTestArrival(server, second, shanghai(2024, 3, 15), 5000);
  await createPatient(server, admin, { name: '丙', add_time: shanghai(2024, 3, 20), state: 2, media_from_id: wechat });
  const fourth = await createPatient(server, admin, {
    name: '丁',
    add_time: shanghai(2024, 4, 1, 7),
    order_time: shanghai(2024, 4, 2, 9),
    media_from_id: wechat,
  });
  await recordTestArrival(server, fourth, shanghai(2024, 4, 2, 10), 12345);
  const fifth = await createPatient(server, scoped.token, {
    name: '戊',
    add_time: shanghai(2024, 3, 15),
    order_time: shanghai(2024, 3, 16),
    media_from_id: baidu,
  });
  await recordTestArrival(server, fifth, shanghai(2024, 3, 16, 15), 10000);
  await createPatient(server, admin, { name: '己', add_time: shanghai(2024, 3, 25) });
  const deleted = await createPatient(server, admin, {
    name: '删',
    add_time: shanghai(2024, 3, 5),
    order_time: shanghai(2024, 3, 6),
    media_from_id: baidu,
  });
  await server.database.db
    .updateTable('patients')
    .set({ deleted_at: unixNow(), deleted_by: adminId })
    .where('id', '=', deleted)
    .execute();
  await createPatient(server, admin, { name: '外', add_time: shanghai(2024, 5, 1), media_from_id: baidu });
});
afterAll(async () => server?.close());

/** This file checks the activity view (each figure by its own time column); cohort.test.ts the cohort view. */
const funnel = (token: string, query: Record<string, string | number>) =>
  server.http.get(`${STAFF}/statistics/funnel`, { query: { token, from: FROM, to: TO, view: 'activity', ...query } });

const activityRate = (value: number | null) => [
  { name: 'arrivalRate', value, numerator: 'arrivals', denominator: 'appointments' },
];

describe('GET statistics/funnel?view=activity', () => {
  it('counts the hand-made months by channel in the clinic calendar', async () => {
    const response = await funnel(admin, { bucket: 'month', group_by: 'channel' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const { rows, totals, groups, timeZone } = response.body.funnel;
    expect(timeZone).toBe('Asia/Shanghai');
    const pick = (bucket: string, label: string) =>
      rows.find((row: any) => row.bucket === bucket && row.groupLabel === label);
    expect(pick('2024-03', '百度推广')).toEqual({
      bucket: '2024-03',
      groupKey: String(baidu),
      groupLabel: '百度推广',
      inquiries: 3,
      appointments: 3,
      arrivals: 2,
      lost: 0,
      bookedArrivals: null,
      arrivalRate: 0.6667,
      spend: '150.00',
      rates: activityRate(0.6667),
    });
    expect(pick('2024-03', '微信公众号')).toMatchObject({
      inquiries: 1,
      lost: 1,
      appointments: 0,
      arrivals: 0,
      arrivalRate: null,
      spend: '0.00',
    });
    expect(pick('2024-03', '未填写来源')).toMatchObject({ groupKey: null, inquiries: 1 });
    expect(pick('2024-04', '微信公众号')).toMatchObject({
      inquiries: 1,
      appointments: 1,
      arrivals: 1,
      arrivalRate: 1,
      spend: '123.45',
    });
    expect(rows).toHaveLength(4);
    expect(totals).toEqual({
      inquiries: 6,
      appointments: 4,
      arrivals: 3,
      lost: 1,
      bookedArrivals: null,
      arrivalRate: 0.75,
      spend: '273.45',
      rates: activityRate(0.75),
    });
    expect(groups.find((group: any) => group.groupLabel === '微信公众号')).toMatchObject({
      inquiries: 2,
      lost: 1,
      arrivals: 1,
    });
  });

  it('buckets by clinic day and year, and groups by consultant and department', async () => {
    const days = await funnel(admin, {
      bucket: 'day',
      from: shanghai(2024, 3, 31, 0, 0),
      to: shanghai(2024, 4, 2, 23, 0),
    });
    expect(days.status).toBe(200);
    expect(
      days.body.funnel.rows.map((row: any) => [row.bucket, row.inquiries, row.appointments, row.arrivals]),
    ).toEqual([
      ['2024-04-01', 1, 0, 0],
      ['2024-04-02', 0, 1, 1],
    ]);
    const years = await funnel(admin, { bucket: 'year', group_by: 'consultant' });
    const labels = Object.fromEntries(years.body.funnel.rows.map((row: any) => [row.groupLabel, row.inquiries]));
    expect(labels).toEqual({ [adminName]: 5, stats_consultant: 1 });
    expect(years.body.funnel.rows.every((row: any) => row.bucket === '2024')).toBe(true);
    const departments = await funnel(admin, { group_by: 'department' });
    expect(departments.body.funnel.groups).toEqual([
      expect.objectContaining({ groupKey: null, groupLabel: '未填写科室', inquiries: 6 }),
    ]);
  });

  it('has totals equal to the patient list under the same filters', async () => {
    const list = await server.http.get(`${STAFF}/patient/`, {
      query: { token: admin, add_time_from: FROM, add_time_to: TO },
    });
    expect(list.status).toBe(200);
    const all = await funnel(admin, {});
    expect(all.body.funnel.totals.inquiries).toBe(list.body.total);
    const listBaidu = await server.http.get(`${STAFF}/patient/`, {
      query: { token: admin, add_time_from: FROM, add_time_to: TO, media_from_id: baidu },
    });
    const funnelBaidu = await funnel(admin, { media_from_id: baidu });
    expect(funnelBaidu.body.funnel.totals.inquiries).toBe(listBaidu.body.total);
    expect(listBaidu.body.total).toBe(3);
  });

  it('counts only the own patients of a caller without view_all', async () => {
    const response = await funnel(scoped.token, { group_by: 'channel' });
    expect(response.status).toBe(200);
    expect(response.body.funnel.totals).toEqual({
      inquiries: 1,
      appointments: 1,
      arrivals: 1,
      lost: 0,
      bookedArrivals: null,
      arrivalRate: 1,
      spend: '100.00',
      rates: activityRate(1),
    });
    const list = await server.http.get(`${STAFF}/patient/`, {
      query: { token: scoped.token, add_time_from: FROM, add_time_to: TO },
    });
    expect(list.body.total).toBe(1);
  });

  it('refuses a role without statistics:view (403) and a missing token (401)', async () => {
    const denied = await funnel(frontDesk.token, {});
    expect(denied.status).toBe(403);
    expect(denied.body.state_code).toBe(48001);
    const anonymous = await server.http.get(`${STAFF}/statistics/funnel`, { query: { from: FROM, to: TO } });
    expect(anonymous.status).toBe(401);
  });

  it.each([
    [{ from: TO, to: FROM }, 40001],
    [{ bucket: 'week' }, 40001],
    [{ group_by: 'weather' }, 40001],
    [{ from: 'yesterday' }, 40001],
    [{ bucket: 'day', from: shanghai(2022, 1, 1), to: shanghai(2024, 1, 1) }, 40001],
    [{ advisory_way: 'x'.repeat(21) }, 40001],
  ])('answers 400 for %j', async (query, code) => {
    const response = await funnel(admin, query as Record<string, string | number>);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.state_code).toBe(code);
  });

  it('answers 400 (44001) without a range', async () => {
    const response = await server.http.get(`${STAFF}/statistics/funnel`, { query: { token: admin } });
    expect(response.status).toBe(400);
    expect(response.body.state_code).toBe(44001);
  });
});

describe('GET statistics/consultant-rank', () => {
  it('ranks consultants by arrivals, then arrival rate', async () => {
    const response = await server.http.get(`${STAFF}/statistics/consultant-rank`, {
      query: { token: admin, from: FROM, to: TO },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.rank.consultants).toEqual([
      expect.objectContaining({
        rank: 1,
        staffId: String(adminId),
        name: adminName,
        arrivals: 2,
        appointments: 3,
        arrivalRate: 0.6667,
        inquiries: 5,
      }),
      expect.objectContaining({
        rank: 2,
        staffId: String(scoped.id),
        name: 'stats_consultant',
        arrivals: 1,
        appointments: 1,
        arrivalRate: 1,
      }),
    ]);
  });

  it('shows a scoped caller only themself, and refuses the front desk', async () => {
    const own = await server.http.get(`${STAFF}/statistics/consultant-rank`, {
      query: { token: scoped.token, from: FROM, to: TO },
    });
    expect(own.body.rank.consultants.map((entry: any) => entry.staffId)).toEqual([String(scoped.id)]);
    const denied = await server.http.get(`${STAFF}/statistics/consultant-rank`, {
      query: { token: frontDesk.token, from: FROM, to: TO },
    });
    expect(denied.status).toBe(403);
  });
});

describe('/docs', () => {
  it('documents the statistics, dashboard, export and import routes', async () => {
    const response = await server.http.get('/docs/json');
    expect(response.status).toBe(200);
    const paths = Object.keys(response.body.paths);
    for (const path of [
      'statistics/funnel',
      'statistics/consultant-rank',
      'dashboard',
      'patient/export',
      'patient/import',
    ]) {
      expect(
        paths.some((documented) => documented.replace(/\/$/, '') === `${STAFF}/${path}`),
        path,
      ).toBe(true);
    }
    expect(Object.keys(response.body.paths[`${STAFF}/patient/import`].post.requestBody.content)).toEqual([
      'multipart/form-data',
    ]);
  });
});
