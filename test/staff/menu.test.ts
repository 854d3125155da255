import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, DEFAULT_ROLE, registerAndLoginPatient, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

type MenuEntry = {
  title: string;
  name: string;
  url: string;
  child: { id: string; title: string; name: string; url: string }[];
};

describe('GET menu/ (seed 004)', () => {
  it("gives the administrator the seed's entries in the seed's shape", async () => {
    const token = await staffLogin(server.http);
    const response = await server.http.get<MenuEntry[]>(`${STAFF}/menu/`, { query: { token } });
    expect(response.status).toBe(200);
    expect(Array.isArray(response.body)).toBe(true);
    const [dashboard, patients, workbench] = response.body;
    expect(dashboard).toEqual({ title: '仪表盘', name: '1', url: 'dashboard', child: [] });
    // The day's work comes right after the pool.
    expect(workbench).toEqual({
      title: '工作台',
      name: '24',
      url: 'workbench',
      child: [
        { id: '25', title: '前台工作台', name: '24-1', url: 'front-desk' },
        { id: '26', title: '回访工作台', name: '24-2', url: 'follow-up-worklist' },
        { id: '29', title: '医生工作台', name: '24-3', url: 'doctor-desk' },
        { id: '30', title: '在线问诊', name: '24-4', url: 'consultations' },
      ],
    });
    expect(patients).toMatchObject({ title: '客户池', name: '2', url: 'patients' });
    expect(patients?.child[0]).toEqual({ id: '3', title: '登记用户', name: '2-1', url: 'regsiter' });
    const titles = response.body.map((entry) => entry.title);
    expect(titles).toEqual(expect.arrayContaining(['数据中心', '信息管理', '人员管理', '操作日志', '预约挂号']));
  });

  it("shows a consultant only their role's entries", async () => {
    const consultant = await createStaffUser(server, 'consultant_menu', DEFAULT_ROLE.consultant);
    const response = await server.http.get<MenuEntry[]>(`${STAFF}/menu`, { bearer: consultant.token });
    expect(response.status).toBe(200);
    const titles = response.body.map((entry) => entry.title);
    expect(titles).toContain('客户池');
    expect(titles).not.toContain('人员管理');
    expect(titles).not.toContain('操作日志');
    expect(titles).not.toContain('数据中心');
    const patients = response.body.find((entry) => entry.url === 'patients');
    expect(patients?.child.map((leaf) => leaf.url)).toEqual(['regsiter', 'shared-pool']);
    // Their own patients' follow-ups: the worklist shows with patients:view_own alone.
    const workbench = response.body.find((entry) => entry.url === 'workbench');
    expect(workbench?.child.map((leaf) => leaf.url)).toEqual(['front-desk', 'follow-up-worklist']);
  });

  it('answers 41001 without a token and 40014 for a portal token', async () => {
    const missing = await server.http.get(`${STAFF}/menu/`);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ state_code: 41001, msg: '缺少token参数' });
    const patient = await registerAndLoginPatient(server.http);
    const crossFamily = await server.http.get(`${STAFF}/menu/`, { query: { token: patient.token } });
    expect(crossFamily.status).toBe(401);
    expect(crossFamily.body.state_code).toBe(40014);
  });
});
