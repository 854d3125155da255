import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatientBody, createStaffUser, DEFAULT_ROLE, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let adminToken: string;
let consultantA: { id: number; token: string };
let consultantB: { id: number; token: string };
const BASE = 1_700_000_000;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await staffLogin(server.http);
  consultantA = await createStaffUser(server, 'list_consultant_a', DEFAULT_ROLE.consultant);
  consultantB = await createStaffUser(server, 'list_consultant_b', DEFAULT_ROLE.consultant);
  // 6 patients by A (states 0,1,2,0,1,2), 3 by B; add_time one day apart.
  for (let i = 0; i < 9; i += 1) {
    const token = i < 6 ? consultantA.token : consultantB.token;
    const response = await server.http.post(`${STAFF}/patient/`, {
      json: createPatientBody({
        token,
        name: `列表客户${i}`,
        tel: `1370000000${i}`,
        wechat: `wx_list_${i}`,
        state: i % 3,
        add_time: BASE + i * 86400,
        reach_time: i % 3 === 1 ? BASE + i * 86400 + 60 : undefined,
      }),
    });
    expect(response.status).toBe(201);
  }
});
afterAll(async () => server?.close());

const list = (token: string, query: Record<string, string | number | undefined> = {}) =>
  server.http.get(`${STAFF}/patient/`, { query: { token, ...query } });

describe('GET patient/', () => {
  it('pages newest first by default with total, page and pageSize', async () => {
    const first = await list(adminToken, { page_size: 4 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 9, page: 1, pageSize: 4 });
    expect(first.body.patients.map((p: any) => p.name)).toEqual(['列表客户8', '列表客户7', '列表客户6', '列表客户5']);
    const third = await list(adminToken, { page_size: 4, page: 3 });
    expect(third.body.patients.map((p: any) => p.name)).toEqual(['列表客户0']);
    const ascending = await list(adminToken, { sort: 'add_time', order: 'asc', page_size: 2 });
    expect(ascending.body.patients.map((p: any) => p.name)).toEqual(['列表客户0', '列表客户1']);
  });

  it('filters by state, by add_time range and by keyword on name, tel or wechat', async () => {
    expect((await list(adminToken, { state: 1 })).body.total).toBe(3);
    const range = await list(adminToken, { add_time_from: BASE + 86400, add_time_to: BASE + 3 * 86400 });
    expect(range.body.patients.map((p: any) => p.name).sort()).toEqual(['列表客户1', '列表客户2', '列表客户3']);
    expect((await list(adminToken, { keyword: '列表客户7' })).body.total).toBe(1);
    expect((await list(adminToken, { keyword: '13700000004' })).body.patients[0].name).toBe('列表客户4');
    expect((await list(adminToken, { keyword: '0000000' })).body.total).toBe(9);
    expect((await list(adminToken, { keyword: 'wx_list_5' })).body.total).toBe(1);
    // % and _ are literal characters, not wildcards.
    expect((await list(adminToken, { keyword: '%' })).body.total).toBe(0);
  });

  it('shows a consultant only the patients they registered', async () => {
    const own = await list(consultantA.token, { page_size: 50 });
    expect(own.body.total).toBe(6);
    expect(own.body.patients.every((p: any) => p.authorId === String(consultantA.id))).toBe(true);
    const other = await list(consultantB.token, { keyword: '列表客户0' });
    expect(other.body.total).toBe(0);
  });

  it('masks phones for a role without the full-phone permission', async () => {
    const frontDesk = await createStaffUser(server, 'list_front_desk', DEFAULT_ROLE.frontDesk);
    const masked = await list(frontDesk.token, { keyword: '列表客户4' });
    expect(masked.body.patients[0].tel).toBe('137****0004');
    const full = await list(adminToken, { keyword: '列表客户4' });
    expect(full.body.patients[0].tel).toBe('13700000004');
  });

  it('refuses bad paging and sorting with 400', async () => {
    for (const query of [
      { page: 0 },
      { page_size: 0 },
      { page_size: 201 },
      { sort: 'tel' },
      { order: 'sideways' },
      { state: 9 },
    ]) {
      const response = await list(adminToken, query);
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect(response.body.state_code).toBe(40001);
    }
  });
});
