import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStaffUser,
  DEFAULT_ROLE,
  registerAndLoginPatient,
  STAFF,
  staffLogin,
  uniquePhone,
  unixNow,
} from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { auditRows, catalogId, createPatient, patientRow } from './helpers.js';

let server: TestServer;
let admin: string;
let consultantA: { id: number; token: string };
let consultantB: { id: number; token: string };
let frontDesk: { id: number; token: string };
let patientOfA: number;
let telOfA: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  consultantA = await createStaffUser(server, 'consult_a', DEFAULT_ROLE.consultant);
  consultantB = await createStaffUser(server, 'consult_b', DEFAULT_ROLE.consultant);
  frontDesk = await createStaffUser(server, 'front_desk', DEFAULT_ROLE.frontDesk);
  telOfA = uniquePhone();
  patientOfA = await createPatient(server, consultantA.token, {
    name: '张三',
    tel: telOfA,
    wechat: 'zhangsan-wx',
    qq: '12345678',
    disease_id: 1,
    doctor_id: 1,
    media_from_id: 1,
    advisory_way: '电话',
    advisory_content: '咨询痤疮',
    add_time: unixNow() - 86_400,
  });
});
afterAll(async () => server?.close());

const detail = (id: number | string, token: string) => server.http.get(`${STAFF}/patient/${id}`, { query: { token } });
const patch = (id: number, token: string, json: Record<string, unknown>) =>
  server.http.patch(`${STAFF}/patient/${id}`, { json: { token, ...json } });

describe('GET patient/:id', () => {
  it('answers the full record with catalog and author names, and audits the read', async () => {
    const before = (await auditRows(server, 'patient.read', patientOfA)).length;
    const response = await detail(patientOfA, consultantA.token);
    expect(response.status).toBe(200);
    expect(response.body.patient).toMatchObject({
      id: String(patientOfA),
      name: '张三',
      tel: telOfA,
      wechat: 'zhangsan-wx',
      diseaseId: '1',
      diseaseName: '痤疮',
      departmentId: String(await catalogId(server, 'departments', '皮肤科')),
      departmentName: '皮肤科',
      doctorName: '张明华',
      mediaFromName: '百度推广',
      authorId: String(consultantA.id),
      authorName: 'consult_a',
      spend: '0.00',
      visitCount: '0',
      state: '0',
    });
    const reads = await auditRows(server, 'patient.read', patientOfA);
    expect(reads).toHaveLength(before + 1);
    expect(reads.at(-1)).toMatchObject({ actor_id: consultantA.id, outcome: 'success' });
  });

  it('masks tel for the front desk', async () => {
    const response = await detail(patientOfA, frontDesk.token);
    expect(response.status).toBe(200);
    expect(response.body.patient.tel).toBe(`${telOfA.slice(0, 3)}****${telOfA.slice(-4)}`);
  });

  it('answers 404 for another consultant, a missing id, and writes no read audit', async () => {
    const before = (await auditRows(server, 'patient.read', patientOfA)).length;
    const hidden = await detail(patientOfA, consultantB.token);
    expect(hidden.status).toBe(404);
    expect(hidden.body.state_code).toBe(40401);
    const missing = await detail(99_999_999, admin);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(hidden.body);
    expect(await auditRows(server, 'patient.read', patientOfA)).toHaveLength(before);
  });

  it.each(['abc', '0', '-1', '1.5', '99999999999'])('answers 400 for the id %s', async (id) => {
    const response = await detail(id, admin);
    expect(response.status).toBe(400);
    expect(response.body.state_code).toBe(40001);
  });

  it('needs a token (41001)', async () => {
    const response = await server.http.get(`${STAFF}/patient/${patientOfA}`);
    expect(response.status).toBe(401);
    expect(response.body.state_code).toBe(41001);
  });
});

describe('PATCH patient/:id', () => {
  it('lets the consultant edit own fields, answers {patient}, audits changed fields with phones masked', async () => {
    const id = await createPatient(server, consultantA.token, { name: '李四', remarks: '旧备注' });
    const newTel = uniquePhone();
    const response = await patch(id, consultantA.token, {
      name: '李四改',
      tel: newTel,
      remarks: '新的私密备注',
      disease_id: 2,
      age: 30,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.patient).toMatchObject({
      id: String(id),
      name: '李四改',
      tel: newTel,
      remarks: '新的私密备注',
      diseaseName: '湿疹',
      age: '30',
    });
    const reread = await detail(id, consultantA.token);
    expect(reread.body.patient).toMatchObject({ name: '李四改', tel: newTel, diseaseId: '2' });
    const [audit] = await auditRows(server, 'patient.update', id);
    expect(audit?.details?.changed).toMatchObject({
      name: { before: '李四', after: '李四改' },
      tel: { after: `${newTel.slice(0, 3)}****${newTel.slice(-4)}` },
      remarks: { changed: true },
      disease_id: { before: null, after: 2 },
    });
    expect(JSON.stringify(audit?.details)).not.toContain(newTel);
    expect(JSON.stringify(audit?.details)).not.toContain('私密');
  });

  it('refuses the front desk a name change with 403 (48001) naming the field; nothing written, nothing audited', async () => {
    const before = await patientRow(server, patientOfA);
    const response = await patch(patientOfA, frontDesk.token, { name: '前台改名' });
    expect(response.status).toBe(403);
    expect(response.body.state_code).toBe(48001);
    expect(response.body.field).toBe('name');
    expect(response.body.msg).toContain('name');
    expect(await patientRow(server, patientOfA)).toEqual(before);
    expect(await auditRows(server, 'patient.update', patientOfA)).toHaveLength(0);
  });

  it('refuses a mixed edit whole when one field is not permitted', async () => {
    const before = await patientRow(server, patientOfA);
    const response = await patch(patientOfA, consultantA.token, {
      name: '新名字',
      spend: '100.00',
      reach_time: unixNow(),
    });
    expect(response.status).toBe(403);
    expect([...response.body.fields].sort()).toEqual(['reach_time', 'spend']);
    expect(await patientRow(server, patientOfA)).toEqual(before);
  });

  it('does not let a consultant without confirm_arrival set state 1 (arrival)', async () => {
    const response = await patch(patientOfA, consultantA.token, { state: 1 });
    expect(response.status).toBe(403);
    expect(response.body.field).toBe('state');
    expect((await patientRow(server, patientOfA))?.state).toBe(0);
  });

  it('lets the consultant mark the patient lost (state 2), and gates nothing that does not change', async () => {
    const id = await createPatient(server, consultantA.token);
    const row = await patientRow(server, id);
    const response = await patch(id, consultantA.token, { state: 2, add_time: row?.add_time });
    expect(response.status).toBe(200);
    expect(response.body.patient.state).toBe('2');
    const [audit] = await auditRows(server, 'patient.update', id);
    expect(Object.keys(audit?.details?.changed)).toEqual(['state']);
  });

  it('lets the front desk confirm an arrival by state 1: a first visit is recorded', async () => {
    const id = await createPatient(server, consultantA.token);
    const response = await patch(id, frontDesk.token, { state: 1 });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.patient).toMatchObject({ state: '1', visitCount: '1' });
    expect(response.body.patient.reachTime).not.toBeNull();
    expect(await auditRows(server, 'patient.arrival', id)).toHaveLength(1);
    const again = await patch(id, frontDesk.token, { reach_time: unixNow() - 60 });
    expect(again.status).toBe(409);
    expect(await auditRows(server, 'patient.arrival', id)).toHaveLength(1);
  });

  it('records an arrival at the given reach_time and sets spend (administrator)', async () => {
    const addTime = unixNow() - 7200;
    const id = await createPatient(server, consultantA.token, { add_time: addTime });
    const response = await patch(id, admin, { reach_time: addTime + 60, spend: '1280.5' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.patient).toMatchObject({
      state: '1',
      reachTime: String(addTime + 60),
      spend: '1280.50',
      visitCount: '1',
    });
    const visits = await server.http.get(`${STAFF}/patient/${id}/visits`, { query: { token: admin } });
    expect(visits.body.visits).toHaveLength(1);
    expect(visits.body.visits[0]).toMatchObject({ visitType: 'first', visitTime: String(addTime + 60) });
  });

  it.each([
    [{ reach_time: 1000 }, 'reach_time'],
    [{ tel: '12345' }, 'tel'],
    [{ name: '' }, 'name'],
    [{ name: null }, 'name'],
    [{ state: 5 }, 'state'],
    [{ spend: '12.345' }, 'spend'],
    [{ spend: '-1' }, 'spend'],
    [{ disease_id: 99_999 }, 'disease_id'],
    [{ remarks: 'x'.repeat(2001) }, 'remarks'],
    [{ age: 'old' }, 'age'],
  ])('refuses %j with 400 naming %s, writing nothing', async (body, field) => {
    const before = await patientRow(server, patientOfA);
    const response = await patch(patientOfA, admin, body);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.msg).toContain(field);
    expect(await patientRow(server, patientOfA)).toEqual(before);
  });

  it('refuses a deactivated catalog entry, an empty edit and a malformed body', async () => {
    const disease = await catalogId(server, 'diseases', '银屑病');
    await server.database.db.updateTable('diseases').set({ is_active: 0 }).where('id', '=', disease).execute();
    const inactive = await patch(patientOfA, admin, { disease_id: disease });
    expect(inactive.status).toBe(400);
    expect(inactive.body.field).toBe('disease_id');
    await server.database.db.updateTable('diseases').set({ is_active: 1 }).where('id', '=', disease).execute();
    const empty = await patch(patientOfA, admin, {});
    expect(empty.status).toBe(400);
    expect(empty.body.state_code).toBe(44001);
    const malformed = await server.http.patch(`${STAFF}/patient/${patientOfA}`, {
      raw: '{"name": ',
      contentType: 'application/json',
      bearer: admin,
    });
    expect(malformed.status).toBe(400);
  });

  it('answers 404 to another consultant, whatever the fields', async () => {
    const response = await patch(patientOfA, consultantB.token, { name: '越权' });
    expect(response.status).toBe(404);
    expect((await patientRow(server, patientOfA))?.name).toBe('张三');
  });

  it('accepts a form body', async () => {
    const id = await createPatient(server, consultantA.token);
    const response = await server.http.patch(`${STAFF}/patient/${id}`, {
      form: { token: consultantA.token, age: '41', area: '杭州' },
    });
    expect(response.status).toBe(200);
    expect(response.body.patient).toMatchObject({ age: '41', area: '杭州' });
  });

  it('moves the portal login phone with the tel, and refuses a phone another account holds', async () => {
    const portal = await registerAndLoginPatient(server.http);
    const other = await registerAndLoginPatient(server.http);
    const newPhone = uniquePhone();
    const moved = await patch(portal.patientId, admin, { tel: newPhone });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const login = await server.http.post('/patient/login', { json: { phone: newPhone, password: portal.password } });
    expect(login.status).toBe(200);
    const taken = await patch(portal.patientId, admin, { tel: other.phone });
    expect(taken.status).toBe(409);
    expect((await patientRow(server, portal.patientId))?.tel).toBe(newPhone);
    const cleared = await patch(portal.patientId, admin, { tel: null });
    expect(cleared.status).toBe(400);
  });
});

describe('GET patient/duplicates', () => {
  it('finds exact tel / wechat / qq / name matches in scope, masked like the list', async () => {
    const byTel = await server.http.get(`${STAFF}/patient/duplicates`, {
      query: { token: frontDesk.token, tel: telOfA },
    });
    expect(byTel.status).toBe(200);
    expect(byTel.body.total).toBe(1);
    expect(byTel.body.duplicates[0]).toMatchObject({
      id: String(patientOfA),
      tel: `${telOfA.slice(0, 3)}****${telOfA.slice(-4)}`,
      matchedOn: ['tel'],
    });
    const several = await server.http.get(`${STAFF}/patient/duplicates`, {
      query: { token: consultantA.token, wechat: 'zhangsan-wx', qq: '12345678', name: '张三' },
    });
    expect(several.body.duplicates.find((row: { id: string }) => row.id === String(patientOfA)).matchedOn).toEqual([
      'wechat',
      'qq',
      'name',
    ]);
    const partial = await server.http.get(`${STAFF}/patient/duplicates`, {
      query: { token: admin, wechat: 'zhangsan' },
    });
    expect(partial.body).toEqual({ duplicates: [], total: 0 });
  });

  it("hides another consultant's patient", async () => {
    const response = await server.http.get(`${STAFF}/patient/duplicates`, {
      query: { token: consultantB.token, tel: telOfA },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ duplicates: [], total: 0 });
  });

  it('needs at least one field, and refuses over-long values', async () => {
    const none = await server.http.get(`${STAFF}/patient/duplicates`, { query: { token: admin } });
    expect(none.status).toBe(400);
    expect(none.body.state_code).toBe(44001);
    const long = await server.http.get(`${STAFF}/patient/duplicates`, {
      query: { token: admin, name: 'x'.repeat(51) },
    });
    expect(long.status).toBe(400);
  });
});

describe('list and scope', () => {
  it("leaves another consultant's patient out of the list", async () => {
    const listB = await server.http.get(`${STAFF}/patient/`, { query: { token: consultantB.token, page_size: 200 } });
    expect(listB.status).toBe(200);
    expect(listB.body.patients.map((p: { id: string }) => p.id)).not.toContain(String(patientOfA));
    const listA = await server.http.get(`${STAFF}/patient/`, { query: { token: consultantA.token, page_size: 200 } });
    expect(listA.body.patients.map((p: { id: string }) => p.id)).toContain(String(patientOfA));
  });
});
