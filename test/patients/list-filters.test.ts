import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { catalogId, createPatient } from './helpers.js';

let server: TestServer;
let admin: string;
let consultant: { id: number; token: string };
let frontDesk: { id: number; token: string };
const base = unixNow() - 86_400 * 100;
const named: Record<string, number> = {};

/*
 * A small pool with one distinguishing attribute per patient, so each filter's answer is
 * known exactly: the filter is right when it returns precisely the expected names.
 */
beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  consultant = await createStaffUser(server, 'consult_list', DEFAULT_ROLE.consultant);
  frontDesk = await createStaffUser(server, 'front_list', DEFAULT_ROLE.frontDesk);
  const acne = await catalogId(server, 'diseases', '痤疮');
  const eczema = await catalogId(server, 'diseases', '湿疹');
  const myopia = await catalogId(server, 'diseases', '近视');
  const douyin = await catalogId(server, 'channels', '抖音');
  const doctor = await catalogId(server, 'doctors', '陈静');
  named.acne = await createPatient(server, admin, { name: 'acne', disease_id: acne, add_time: base + 1 });
  named.eczema = await createPatient(server, admin, {
    name: 'eczema',
    disease_id: eczema,
    add_time: base + 2,
    order_time: base + 500,
  });
  named.myopia = await createPatient(server, admin, {
    name: 'myopia',
    disease_id: myopia,
    add_time: base + 3,
    order_time: base + 100,
  });
  named.douyin = await createPatient(server, admin, { name: 'douyin', media_from_id: douyin, add_time: base + 4 });
  named.doctor = await createPatient(server, admin, { name: 'doctor', doctor_id: doctor, add_time: base + 5 });
  named.wechat = await createPatient(server, admin, { name: 'wechat', advisory_way: '微信', add_time: base + 6 });
  named.mine = await createPatient(server, consultant.token, { name: 'mine', add_time: base + 7 });
  named.once = await createPatient(server, admin, { name: 'once', add_time: base + 8 });
  named.twice = await createPatient(server, admin, { name: 'twice', add_time: base + 9 });
  const arrive = async (id: number | undefined, at: number) => {
    const response = await server.http.post(`${STAFF}/patient/${id}/arrival`, {
      json: { token: admin, reach_time: at },
    });
    expect(response.status).toBe(201);
  };
  await arrive(named.once, base + 1000);
  await arrive(named.twice, base + 2000);
  await arrive(named.twice, base + 3000);
});
afterAll(async () => server?.close());

async function names(query: Record<string, string | number>, token = admin): Promise<string[]> {
  const response = await server.http.get(`${STAFF}/patient/`, { query: { token, page_size: 200, ...query } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body.total).toBe(response.body.patients.length);
  return response.body.patients.map((patient: { name: string }) => patient.name).sort();
}

describe('GET patient/ filters', () => {
  it('filters by disease, and by department (any of its diseases)', async () => {
    expect(await names({ disease_id: await catalogId(server, 'diseases', '痤疮') })).toEqual(['acne']);
    expect(await names({ department_id: await catalogId(server, 'departments', '皮肤科') })).toEqual([
      'acne',
      'eczema',
    ]);
    expect(await names({ department_id: await catalogId(server, 'departments', '眼科') })).toEqual(['myopia']);
  });

  it('filters by channel, doctor, consultant and advisory way', async () => {
    expect(await names({ media_from_id: await catalogId(server, 'channels', '抖音') })).toEqual(['douyin']);
    expect(await names({ doctor_id: await catalogId(server, 'doctors', '陈静') })).toEqual(['doctor']);
    expect(await names({ author_id: consultant.id })).toEqual(['mine']);
    expect(await names({ advisory_way: '微信' })).toEqual(['wechat']);
  });

  it('filters by order and reach time ranges', async () => {
    expect(await names({ order_time_from: base + 50, order_time_to: base + 200 })).toEqual(['myopia']);
    expect(await names({ order_time_from: base + 50 })).toEqual(['eczema', 'myopia']);
    expect(await names({ reach_time_from: base + 500, reach_time_to: base + 1500 })).toEqual(['once']);
    expect(await names({ reach_time_from: base + 500 })).toEqual(['once', 'twice']);
  });

  it('answers an add-time range given the wrong way round, or at the limits, with what it holds (none, or all)', async () => {
    const latest = 4_102_444_800;
    expect(await names({ add_time_from: latest, add_time_to: 0 })).toEqual([]);
    expect(
      await names({
        add_time_from: latest,
        add_time_to: 0,
        state: 0,
        media_from_id: await catalogId(server, 'channels', '抖音'),
      }),
    ).toEqual([]);
    expect(await names({ add_time_from: base + 5, add_time_to: base + 4 })).toEqual([]);
    expect((await names({ add_time_from: 0, add_time_to: latest })).length).toBe(Object.keys(named).length);
  });

  it('tells first visits from return visits', async () => {
    expect(await names({ visit_type: 'first' })).toEqual(['once']);
    expect(await names({ visit_type: 'return' })).toEqual(['twice']);
  });

  it('sorts by order_time and reach_time, and combines filters with the scope', async () => {
    const sorted = await server.http.get(`${STAFF}/patient/`, {
      query: { token: admin, order_time_from: 0, sort: 'order_time', order: 'asc' },
    });
    expect(sorted.body.patients.map((patient: { name: string }) => patient.name)).toEqual(['myopia', 'eczema']);
    const byReach = await server.http.get(`${STAFF}/patient/`, {
      query: { token: admin, reach_time_from: 0, sort: 'reach_time', order: 'desc' },
    });
    expect(byReach.body.patients.map((patient: { name: string }) => patient.name)).toEqual(['twice', 'once']);
    expect(await names({}, consultant.token)).toEqual(['mine']);
    expect(await names({ advisory_way: '微信' }, consultant.token)).toEqual([]);
    expect(await names({ author_id: consultant.id }, frontDesk.token)).toEqual(['mine']);
  });

  it('keeps the response shape and masks tel for the front desk', async () => {
    const response = await server.http.get(`${STAFF}/patient/`, {
      query: { token: frontDesk.token, page: 1, page_size: 2 },
    });
    expect(Object.keys(response.body).sort()).toEqual(['page', 'pageSize', 'patients', 'total']);
    expect(response.body.total).toBe(9);
    expect(response.body.patients).toHaveLength(2);
    for (const patient of response.body.patients) expect(patient.tel).toMatch(/^\d{3}\*{4}\d{4}$/);
  });

  it.each([
    ['visit_type', 'second'],
    ['department_id', 'abc'],
    ['author_id', 0],
    ['order_time_from', -1],
    ['reach_time_to', 'soon'],
    ['advisory_way', 'x'.repeat(21)],
    ['sort', 'name'],
  ])('refuses %s=%s with 400', async (field, value) => {
    const response = await server.http.get(`${STAFF}/patient/`, { query: { token: admin, [field]: value } });
    expect(response.status).toBe(400);
    expect(response.body.msg).toContain(field);
  });
});
