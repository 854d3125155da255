import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatientBody, createStaffUser, DEFAULT_ROLE, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: string;
let consultant: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  consultant = (await createStaffUser(server, 'catalog_consultant', DEFAULT_ROLE.consultant)).token;
});
afterAll(async () => server?.close());

const auditRows = (action: string, targetType: string, targetId: string) =>
  server.database.db
    .selectFrom('audit_log')
    .select(['details', 'outcome'])
    .where('action', '=', action)
    .where('target_type', '=', targetType)
    .where('target_id', '=', targetId)
    .execute();

async function createPatient(fields: Record<string, unknown>) {
  const response = await server.http.post(`${STAFF}/patient/`, {
    json: { token: admin, ...createPatientBody(fields) },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.newPatient;
}

describe('departments and diseases', () => {
  it('answers the seeded tree, hiding inactive entries unless asked', async () => {
    const response = await server.http.get(`${STAFF}/departments/`, { query: { token: consultant } });
    expect(response.status).toBe(200);
    const skin = response.body.departments.find((d: { name: string }) => d.name === '皮肤科');
    expect(skin).toMatchObject({ isActive: true, sortOrder: 0 });
    expect(skin.diseases.map((d: { name: string }) => d.name)).toEqual(['痤疮', '湿疹', '白癜风', '银屑病']);
    expect(skin.diseases[0].departmentId).toBe(skin.id);
  });

  it('creates, renames, reorders, deactivates and reactivates; all audited', async () => {
    const created = await server.http.post(`${STAFF}/departments/`, { form: { token: admin, name: '中医科' } });
    expect(created.status).toBe(201);
    const department = created.body.department;
    expect(department).toMatchObject({ name: '中医科', isActive: true, sortOrder: 5 });
    const disease = await server.http.post(`${STAFF}/diseases/`, {
      json: { token: admin, department_id: Number(department.id), name: '失眠' },
    });
    expect(disease.status).toBe(201);
    expect(disease.body.disease).toMatchObject({
      name: '失眠',
      departmentId: department.id,
      sortOrder: expect.any(Number),
    });
    const renamed = await server.http.patch(`${STAFF}/departments/${department.id}`, {
      json: { token: admin, name: '中医内科', sort_order: 0 },
    });
    expect(renamed.body.department).toMatchObject({ name: '中医内科', sortOrder: 0 });
    await server.http.patch(`${STAFF}/departments/${department.id}`, { json: { token: admin, is_active: false } });
    const activeOnly = await server.http.get(`${STAFF}/departments/`, { query: { token: admin } });
    expect(activeOnly.body.departments.some((d: { id: string }) => d.id === department.id)).toBe(false);
    const all = await server.http.get(`${STAFF}/departments/`, { query: { token: admin, include_inactive: true } });
    const inactive = all.body.departments.find((d: { id: string }) => d.id === department.id);
    expect(inactive).toMatchObject({ isActive: false, name: '中医内科' });
    expect(inactive.diseases[0].name).toBe('失眠');
    // A disease of a deactivated department is not offered to new patient records.
    const refused = await server.http.post(`${STAFF}/patient/`, {
      json: { token: admin, ...createPatientBody({ disease_id: Number(disease.body.disease.id) }) },
    });
    expect(refused.status).toBe(400);
    const [update] = await auditRows('catalog.update', 'department', department.id);
    expect(JSON.parse(update?.details ?? '{}').changed.name).toEqual({ before: '中医科', after: '中医内科' });
    expect(await auditRows('catalog.create', 'disease', disease.body.disease.id)).toHaveLength(1);
  });

  it('refuses duplicates, bad input, and a disease in an unknown department', async () => {
    expect((await server.http.post(`${STAFF}/departments/`, { json: { token: admin, name: '皮肤科' } })).status).toBe(
      409,
    );
    for (const body of [
      {},
      { name: '' },
      { name: ' \t ' },
      { name: 'x'.repeat(33) },
      { name: 'a\nb' },
      { name: { a: 1 } },
      { name: '新科室', sort_order: -1 },
    ]) {
      const response = await server.http.post(`${STAFF}/departments/`, { json: { token: admin, ...body } });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const noDepartment = await server.http.post(`${STAFF}/diseases/`, {
      json: { token: admin, department_id: 99999, name: '某病' },
    });
    expect(noDepartment.status).toBe(400);
    expect(noDepartment.body.field).toBe('department_id');
    const empty = await server.http.patch(`${STAFF}/departments/1`, { json: { token: admin } });
    expect(empty.body.state_code).toBe(44001);
    expect((await server.http.patch(`${STAFF}/departments/99999`, { json: { token: admin, name: '无' } })).status).toBe(
      404,
    );
  });

  it('deletes an unused disease; refuses one a patient refers to, and a department with children', async () => {
    const tree = await server.http.get(`${STAFF}/departments/`, { query: { token: admin } });
    const eyes = tree.body.departments.find((d: { name: string }) => d.name === '眼科');
    const [myopia, cataract] = eyes.diseases as { id: string }[];
    await createPatient({ disease_id: Number(myopia?.id) });
    const refused = await server.http.delete(`${STAFF}/diseases/${myopia?.id}`, { json: { token: admin } });
    expect(refused.status).toBe(409);
    expect(refused.body.msg).toMatch(/停用/);
    expect(await auditRows('catalog.delete', 'disease', String(myopia?.id))).toHaveLength(0);
    const deleted = await server.http.delete(`${STAFF}/diseases/${cataract?.id}`, { json: { token: admin } });
    expect(deleted.status).toBe(200);
    expect(await auditRows('catalog.delete', 'disease', String(cataract?.id))).toHaveLength(1);
    const department = await server.http.delete(`${STAFF}/departments/${eyes.id}`, { json: { token: admin } });
    expect(department.status).toBe(409);
    const lone = await server.http.post(`${STAFF}/departments/`, { json: { token: admin, name: '临时科室' } });
    expect(
      (await server.http.delete(`${STAFF}/departments/${lone.body.department.id}`, { json: { token: admin } })).status,
    ).toBe(200);
  });
});

describe('doctors, channels, advisory ways', () => {
  it('a doctor\'s wrong department or title is refused, never taken for "clear it"; null or "" clears', async () => {
    const created = await server.http.post(`${STAFF}/doctors/`, {
      json: { token: admin, name: '孙医生', department_id: 2, title: '主任医师' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.doctor.id as string;
    const wrong = [
      { json: { token: admin, department_id: 0 } },
      { json: { token: admin, department_id: false } },
      { form: { token: admin, department_id: '0' } },
      { json: { token: admin, title: '主任\n医师' } },
    ];
    for (const body of wrong) {
      const response = await server.http.patch(`${STAFF}/doctors/${id}`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.state_code).toBe(40001);
    }
    const unchanged = (await server.http.get(`${STAFF}/doctors/`, { query: { token: admin } })).body.doctors.find(
      (d: { id: string }) => d.id === id,
    );
    expect(unchanged).toMatchObject({ departmentId: '2', title: '主任医师' });
    const cleared = await server.http.patch(`${STAFF}/doctors/${id}`, {
      json: { token: admin, department_id: null, title: '', specialty: '' },
    });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body.doctor).toMatchObject({ departmentId: null, title: null, specialty: null });
  });

  it('manages doctors and refuses deleting one a patient refers to', async () => {
    const created = await server.http.post(`${STAFF}/doctors/`, {
      json: { token: admin, name: '赵医生', department_id: 1, title: '主治医师', specialty: '<b>痤疮</b>' },
    });
    expect(created.status).toBe(201);
    const doctor = created.body.doctor;
    expect(doctor).toMatchObject({
      name: '赵医生',
      departmentId: '1',
      title: '主治医师',
      specialty: '<b>痤疮</b>',
      isActive: true,
    });
    const listed = await server.http.get(`${STAFF}/doctors/`, { query: { token: consultant, department_id: 1 } });
    expect(listed.body.doctors.map((d: { name: string }) => d.name)).toEqual(['张明华', '赵医生']);
    const edited = await server.http.patch(`${STAFF}/doctors/${doctor.id}`, {
      json: { token: admin, department_id: null, title: null },
    });
    expect(edited.body.doctor).toMatchObject({ departmentId: null, title: null });
    await createPatient({ doctor_id: Number(doctor.id) });
    expect((await server.http.delete(`${STAFF}/doctors/${doctor.id}`, { json: { token: admin } })).status).toBe(409);
    await server.http.patch(`${STAFF}/doctors/${doctor.id}`, { json: { token: admin, is_active: false } });
    expect(
      (await server.http.get(`${STAFF}/doctors/`, { query: { token: admin } })).body.doctors.some(
        (d: { id: string }) => d.id === doctor.id,
      ),
    ).toBe(false);
    const unused = await server.http.post(`${STAFF}/doctors/`, { json: { token: admin, name: '钱医生' } });
    expect(
      (await server.http.delete(`${STAFF}/doctors/${unused.body.doctor.id}`, { json: { token: admin } })).status,
    ).toBe(200);
  });

  it('manages channels; the portal channel can be neither renamed nor deleted', async () => {
    const listed = await server.http.get(`${STAFF}/channels/`, { query: { token: admin } });
    const portal = listed.body.channels.find(
      (c: { systemKey: string | null }) => c.systemKey === 'portal_self_registration',
    );
    expect(portal.name).toBe('患者端自助注册');
    expect(
      (await server.http.patch(`${STAFF}/channels/${portal.id}`, { json: { token: admin, name: '自助' } })).status,
    ).toBe(409);
    expect((await server.http.delete(`${STAFF}/channels/${portal.id}`, { json: { token: admin } })).status).toBe(409);
    expect(
      (await server.http.patch(`${STAFF}/channels/${portal.id}`, { json: { token: admin, sort_order: 99 } })).status,
    ).toBe(200);
    const created = await server.http.post(`${STAFF}/channels/`, { json: { token: admin, name: '小红书' } });
    const channel = created.body.channel;
    expect(channel).toMatchObject({ name: '小红书', systemKey: null });
    await createPatient({ media_from_id: Number(channel.id) });
    expect((await server.http.delete(`${STAFF}/channels/${channel.id}`, { json: { token: admin } })).status).toBe(409);
    expect((await server.http.post(`${STAFF}/channels/`, { json: { token: admin, name: '小红书' } })).status).toBe(409);
  });

  it('renaming an advisory way carries over to patient records; a referenced one cannot be deleted', async () => {
    const created = await server.http.post(`${STAFF}/advisory-ways/`, { json: { token: admin, name: '小程序' } });
    expect(created.status).toBe(201);
    const way = created.body.advisoryWay;
    const patient = await createPatient({ advisory_way: '小程序' });
    const renamed = await server.http.patch(`${STAFF}/advisory-ways/${way.id}`, {
      json: { token: admin, name: '微信小程序' },
    });
    expect(renamed.body.advisoryWay.name).toBe('微信小程序');
    const row = await server.database.db
      .selectFrom('patients')
      .select('advisory_way')
      .where('id', '=', Number(patient.id))
      .executeTakeFirstOrThrow();
    expect(row.advisory_way).toBe('微信小程序');
    const [audit] = await auditRows('catalog.update', 'advisory_way', way.id);
    expect(JSON.parse(audit?.details ?? '{}').patientsRenamed).toBe(1);
    expect((await server.http.delete(`${STAFF}/advisory-ways/${way.id}`, { json: { token: admin } })).status).toBe(409);
    expect(
      (await server.http.post(`${STAFF}/advisory-ways/`, { json: { token: admin, name: 'x'.repeat(21) } })).status,
    ).toBe(400);
    const spare = await server.http.post(`${STAFF}/advisory-ways/`, { json: { token: admin, name: '邮件' } });
    expect(
      (await server.http.delete(`${STAFF}/advisory-ways/${spare.body.advisoryWay.id}`, { json: { token: admin } }))
        .status,
    ).toBe(200);
    const listed = await server.http.get(`${STAFF}/advisory-ways/`, { query: { token: admin } });
    expect(listed.body.advisoryWays.map((w: { name: string }) => w.name)).toEqual([
      '电话',
      '微信',
      'QQ',
      '在线咨询',
      '到院咨询',
      '微信小程序',
    ]);
  });
});

describe('who may change catalogs', () => {
  it('a consultant may read but every change answers 48001 and writes nothing', async () => {
    expect((await server.http.get(`${STAFF}/channels/`, { query: { token: consultant } })).status).toBe(200);
    const attempts = [
      server.http.post(`${STAFF}/departments/`, { json: { token: consultant, name: '偷偷' } }),
      server.http.patch(`${STAFF}/departments/1`, { json: { token: consultant, name: '偷偷' } }),
      server.http.delete(`${STAFF}/departments/1`, { json: { token: consultant } }),
      server.http.post(`${STAFF}/diseases/`, { json: { token: consultant, department_id: 1, name: '偷偷' } }),
      server.http.patch(`${STAFF}/diseases/1`, { json: { token: consultant, is_active: false } }),
      server.http.delete(`${STAFF}/diseases/1`, { json: { token: consultant } }),
      server.http.post(`${STAFF}/doctors/`, { json: { token: consultant, name: '偷偷' } }),
      server.http.patch(`${STAFF}/doctors/1`, { json: { token: consultant, name: '偷偷' } }),
      server.http.delete(`${STAFF}/doctors/1`, { json: { token: consultant } }),
      server.http.post(`${STAFF}/channels/`, { json: { token: consultant, name: '偷偷' } }),
      server.http.patch(`${STAFF}/channels/1`, { json: { token: consultant, name: '偷偷' } }),
      server.http.delete(`${STAFF}/channels/1`, { json: { token: consultant } }),
      server.http.post(`${STAFF}/advisory-ways/`, { json: { token: consultant, name: '偷偷' } }),
      server.http.patch(`${STAFF}/advisory-ways/1`, { json: { token: consultant, name: '偷偷' } }),
      server.http.delete(`${STAFF}/advisory-ways/1`, { json: { token: consultant } }),
    ];
    for (const response of await Promise.all(attempts)) expect(response.body.state_code).toBe(48001);
    const names = await server.database.db
      .selectFrom('departments')
      .select('name')
      .where('name', '=', '偷偷')
      .execute();
    expect(names).toEqual([]);
  });

  it('a role without catalogs:view cannot read them', async () => {
    const role = await server.http.post(`${STAFF}/roles/`, { json: { token: admin, name: '无目录' } });
    await server.http.put(`${STAFF}/roles/${role.body.role.id}/permissions`, {
      json: { token: admin, keys: ['dashboard'] },
    });
    const user = await createStaffUser(server, 'no_catalogs', '无目录');
    expect((await server.http.get(`${STAFF}/departments/`, { query: { token: user.token } })).body.state_code).toBe(
      48001,
    );
  });
});
