import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, STAFF, staffLogin, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { catalogId, createPatient, createRole, recordTestArrival, shanghai } from './support.js';

/*
 * The report that made a manager distrust the figures: March's funnel for 百度推广 said
 * 到诊率 200%, because February's registrations arrived in March while March's had not yet.
 * The cohort view follows March's registrations only: of them, who booked, who came, who was
 * lost. Every figure must be the patient list's total under the same filters, and no rate
 * may pass 1, whichever way the server counts (the rollup for the administrator, the patient
 * rows for a consultant who sees only their own).
 */

let server: TestServer;
let admin: string;
let own: { id: number; token: string };
let baidu: number;
let douyin: number;

const MARCH = { from: shanghai(2024, 3, 1, 0, 0), to: shanghai(2024, 4, 1, 0, 0) - 1 };

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  baidu = await catalogId(server, 'channels', '百度推广');
  douyin = await catalogId(server, 'channels', '抖音');
  await createRole(server, '本人统计', [
    'patients',
    'patients:view_own',
    'patients:create',
    'statistics',
    'statistics:view',
  ]);
  own = await createStaffUser(server, 'cohort_own', '本人统计');

  // February's registrations, booked and arrived in March: March's activity, not March's cohort.
  for (const day of [10, 20]) {
    const id = await createPatient(server, admin, {
      name: `二月${day}`,
      add_time: shanghai(2024, 2, day),
      order_time: shanghai(2024, 3, 5),
      media_from_id: baidu,
    });
    await recordTestArrival(server, id, shanghai(2024, 3, 5, 10), 10_000);
  }
  // March's 百度推广 cohort: booked in April and came (a whole day inside the month), booked and
  // not come, a walk-in who never booked, one lost, one registered at 00:00:30 on 1 March.
  const bookedCame = await createPatient(server, admin, {
    name: '约到',
    add_time: shanghai(2024, 3, 12, 9),
    order_time: shanghai(2024, 4, 2, 9),
    media_from_id: baidu,
  });
  await recordTestArrival(server, bookedCame, shanghai(2024, 4, 2, 10), 30_000);
  await createPatient(server, admin, {
    name: '约未到',
    add_time: shanghai(2024, 3, 15),
    order_time: shanghai(2024, 4, 20),
    media_from_id: baidu,
  });
  const walkIn = await createPatient(server, admin, {
    name: '直接来',
    add_time: shanghai(2024, 3, 18),
    media_from_id: baidu,
  });
  await recordTestArrival(server, walkIn, shanghai(2024, 3, 19), 5_050);
  await createPatient(server, admin, { name: '流失', add_time: shanghai(2024, 3, 25), state: 2, media_from_id: baidu });
  await createPatient(server, own.token, {
    name: '月初本人',
    add_time: shanghai(2024, 3, 1, 0, 0) + 30,
    order_time: shanghai(2024, 3, 3),
    media_from_id: douyin,
  });
  // The last second of March, and a deleted one that never counts.
  await createPatient(server, own.token, { name: '月末本人', add_time: MARCH.to, media_from_id: douyin });
  const deleted = await createPatient(server, admin, {
    name: '删',
    add_time: shanghai(2024, 3, 9),
    order_time: shanghai(2024, 3, 10),
    media_from_id: baidu,
  });
  await server.database.db.updateTable('patients').set({ deleted_at: unixNow() }).where('id', '=', deleted).execute();
});
afterAll(async () => server?.close());

const funnel = (token: string, query: Record<string, string | number>) =>
  server.http.get(`${STAFF}/statistics/funnel`, { query: { token, ...MARCH, ...query } });

async function listTotal(token: string, query: Record<string, string | number | boolean>): Promise<number> {
  const response = await server.http.get(`${STAFF}/patient/`, {
    query: { token, page_size: 1, add_time_from: MARCH.from, add_time_to: MARCH.to, ...query },
  });
  expect(response.status, response.text).toBe(200);
  return response.body.total;
}

/** The cohort figures of a row must be the list's totals under the row's filters. */
async function expectListAgrees(token: string, figures: any, filters: Record<string, string | number>) {
  expect(figures.inquiries, 'inquiries').toBe(await listTotal(token, filters));
  expect(figures.appointments, 'appointments').toBe(await listTotal(token, { ...filters, booked: true }));
  expect(figures.arrivals, 'arrivals').toBe(await listTotal(token, { ...filters, arrived: true }));
  expect(figures.bookedArrivals, 'bookedArrivals').toBe(
    await listTotal(token, { ...filters, booked: true, arrived: true }),
  );
  expect(figures.lost, 'lost').toBe(await listTotal(token, { ...filters, state: 2 }));
}

function expectRatesAtMostOne(figures: any) {
  expect(figures.rates.map((rate: any) => rate.name)).toEqual([
    'bookingRate',
    'arrivalRate',
    'conversionRate',
    'lossRate',
  ]);
  for (const rate of figures.rates) {
    const numerator = figures[rate.numerator];
    const denominator = figures[rate.denominator];
    expect(typeof numerator, rate.name).toBe('number');
    expect(rate.value, rate.name).toBe(
      denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000,
    );
    if (rate.value !== null) expect(rate.value, rate.name).toBeLessThanOrEqual(1);
  }
}

describe('the cohort view (default) of GET statistics/funnel', () => {
  it("follows March's registrations: no 200% where the activity view still shows February's arrivals", async () => {
    const cohort = await funnel(admin, { group_by: 'channel' });
    expect(cohort.status, cohort.text).toBe(200);
    expect(cohort.body.funnel.view).toBe('cohort');
    const baiduCohort = cohort.body.funnel.groups.find((group: any) => group.groupKey === String(baidu));
    expect(baiduCohort).toMatchObject({
      inquiries: 4,
      appointments: 2,
      arrivals: 2,
      bookedArrivals: 1,
      lost: 1,
      arrivalRate: 0.5,
      spend: '350.50',
    });
    expectRatesAtMostOne(baiduCohort);

    const activity = await funnel(admin, { group_by: 'channel', view: 'activity' });
    expect(activity.status, activity.text).toBe(200);
    const baiduActivity = activity.body.funnel.groups.find((group: any) => group.groupKey === String(baidu));
    // March's events: 4 registrations; February's two appointments; their arrivals and the walk-in's: 150%.
    expect(baiduActivity).toMatchObject({ inquiries: 4, appointments: 2, arrivals: 3, bookedArrivals: null });
    expect(baiduActivity.rates).toEqual([
      { name: 'arrivalRate', value: 1.5, numerator: 'arrivals', denominator: 'appointments' },
    ]);
  });

  it('has every figure equal to the patient list under the same filters, per channel and in total', async () => {
    const response = await funnel(admin, { group_by: 'channel', bucket: 'month' });
    const { totals, groups } = response.body.funnel;
    expect(totals.inquiries).toBe(6);
    await expectListAgrees(admin, totals, {});
    expectRatesAtMostOne(totals);
    for (const group of groups) {
      await expectListAgrees(admin, group, { media_from_id: Number(group.groupKey) });
      expectRatesAtMostOne(group);
    }
    const filtered = await funnel(admin, { media_from_id: douyin });
    await expectListAgrees(admin, filtered.body.funnel.totals, { media_from_id: douyin });
    expect(filtered.body.funnel.totals.inquiries).toBe(2);
  });

  it('counts from the patient rows for a consultant who sees only their own, with the same definitions', async () => {
    const response = await funnel(own.token, { bucket: 'day' });
    expect(response.status, response.text).toBe(200);
    const { totals, rows } = response.body.funnel;
    expect(totals).toMatchObject({ inquiries: 2, appointments: 1, arrivals: 0, bookedArrivals: 0, lost: 0 });
    await expectListAgrees(own.token, totals, {});
    expectRatesAtMostOne(totals);
    // Each in the day it registered, 1 and 31 March.
    expect(rows.map((row: any) => [row.bucket, row.inquiries, row.appointments])).toEqual([
      ['2024-03-01', 1, 1],
      ['2024-03-31', 1, 0],
    ]);
  });

  it('answers ranges inside one day and off day boundaries as the list counts them', async () => {
    const partDay = { from: shanghai(2024, 3, 12, 8), to: shanghai(2024, 3, 18, 12) };
    const response = await server.http.get(`${STAFF}/statistics/funnel`, {
      query: { token: admin, ...partDay, bucket: 'day' },
    });
    expect(response.status).toBe(200);
    const totals = response.body.funnel.totals;
    expect(totals).toMatchObject({ inquiries: 3, appointments: 2, arrivals: 2, bookedArrivals: 1 });
    const list = async (extra: Record<string, boolean>) =>
      (
        await server.http.get(`${STAFF}/patient/`, {
          query: { token: admin, page_size: 1, add_time_from: partDay.from, add_time_to: partDay.to, ...extra },
        })
      ).body.total;
    expect(totals.appointments).toBe(await list({ booked: true }));
    expect(totals.arrivals).toBe(await list({ arrived: true }));
  });

  it('ranks consultants by their cohort', async () => {
    const response = await server.http.get(`${STAFF}/statistics/consultant-rank`, {
      query: { token: admin, ...MARCH },
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.rank.view).toBe('cohort');
    const byName = Object.fromEntries(
      response.body.rank.consultants.map((entry: any) => [entry.name, [entry.inquiries, entry.arrivals]]),
    );
    expect(byName.cohort_own).toEqual([2, 0]);
  });

  it('refuses an unknown view', async () => {
    const response = await funnel(admin, { view: 'weekly' });
    expect(response.status).toBe(400);
    expect(response.body.state_code).toBe(40001);
  });
});

describe('GET patient/ booked and arrived filters', () => {
  it('splits the pool by whether order_time and reach_time are set', async () => {
    const all = await listTotal(admin, {});
    const booked = await listTotal(admin, { booked: true });
    const notBooked = await listTotal(admin, { booked: false });
    const arrived = await listTotal(admin, { arrived: true });
    const notArrived = await listTotal(admin, { arrived: false });
    expect(booked + notBooked).toBe(all);
    expect(arrived + notArrived).toBe(all);
    expect([booked, arrived]).toEqual([3, 2]);
    const bad = await server.http.get(`${STAFF}/patient/`, { query: { token: admin, booked: 'maybe' } });
    expect(bad.status).toBe(400);
  });
});
