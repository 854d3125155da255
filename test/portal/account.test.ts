import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastCodeSentTo } from '../notifications/support/messages.js';
import { createPatientBody, registerAndLoginPatient, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let staffToken: string;
beforeAll(async () => {
  server = await startTestServer();
  staffToken = await staffLogin(server.http);
});
afterAll(async () => server?.close());

describe('POST /patient/register and /patient/login (seed 000)', () => {
  it('registers, logs in and answers {code: 1, msg, data: {id, name, role, token}}', async () => {
    const phone = uniquePhone();
    const registered = await server.http.post('/patient/register', {
      json: { phone, password: 'secret-pass', name: '张三' },
    });
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ code: 1, data: null });
    const login = await server.http.post('/patient/login', { json: { phone, password: 'secret-pass' } });
    expect(login.status).toBe(200);
    expect(login.body.code).toBe(1);
    expect(login.body.data).toEqual({
      id: expect.any(Number),
      name: '张三',
      role: 'patient',
      token: expect.any(String),
    });
  });

  it.each([
    [{ password: 'secret-pass', name: 'a' }, 'phone'],
    [{ phone: '13800000000', name: 'a' }, 'password'],
    [{ phone: '13800000000', password: 'secret-pass' }, 'name'],
    [{ phone: '1380000000', password: 'secret-pass', name: 'a' }, 'phone'],
    [{ phone: '23800000000', password: 'secret-pass', name: 'a' }, 'phone'],
    [{ phone: '13800000000', password: 'short', name: 'a' }, 'password'],
    [{ phone: '13800000000', password: 'x'.repeat(129), name: 'a' }, 'password'],
    [{ phone: '13800000000', password: 'secret-pass', name: '' }, 'name'],
    [{ phone: '13800000000', password: 'secret-pass', name: 'x'.repeat(51) }, 'name'],
    [{ phone: 13800000000, password: 'secret-pass', name: 'a' }, 'phone'],
    [{ phone: '13800000000', password: ['secret-pass'], name: 'a' }, 'password'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const response = await server.http.post('/patient/register', { json: body });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 0, data: null });
    expect(response.body.msg).toContain(field);
  });

  it('refuses a second account for the same phone with 409', async () => {
    const { phone } = await registerAndLoginPatient(server.http);
    const again = await server.http.post('/patient/register', {
      json: { phone, password: 'another-pass', name: '李四' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 0, data: null });
  });

  it('answers a wrong password and an unknown phone alike', async () => {
    const { phone } = await registerAndLoginPatient(server.http);
    const wrong = await server.http.post('/patient/login', { json: { phone, password: 'wrong-password' } });
    const unknown = await server.http.post('/patient/login', {
      json: { phone: '13000000001', password: 'wrong-password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });
});

describe('one record per person', () => {
  it('attaches a registration that proves the phone to the pool record staff already hold, keeping its data', async () => {
    const tel = uniquePhone();
    const created = await server.http.post(`${STAFF}/patient/`, {
      json: createPatientBody({ token: staffToken, tel, name: '张女士', area: '温州' }),
    });
    expect(created.status).toBe(201);
    const sent = await server.http.post('/patient/verification-codes', { json: { phone: tel, purpose: 'register' } });
    expect(sent.status, sent.text).toBe(200);
    const code = await lastCodeSentTo(server, tel);
    const registered = await server.http.post('/patient/register', {
      json: { phone: tel, password: 'secret-pass', name: '张三', code },
    });
    expect(registered.status, registered.text).toBe(200);
    const login = await server.http.post('/patient/login', { json: { phone: tel, password: 'secret-pass' } });
    expect(String(login.body.data.id)).toBe(created.body.newPatient.id);
    const rows = await server.database.db
      .selectFrom('patients')
      .select(['id', 'name', 'area'])
      .where('tel', '=', tel)
      .execute();
    expect(rows).toEqual([{ id: login.body.data.id, name: '张女士', area: '温州' }]);
  });

  it('creates a pool record with the portal channel when staff hold none, and staff see it', async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '自助注册');
    const list = await server.http.get(`${STAFF}/patient/`, { query: { token: staffToken, keyword: patient.phone } });
    expect(list.body.total).toBe(1);
    const [record] = list.body.patients;
    expect(record).toMatchObject({
      id: String(patient.patientId),
      name: '自助注册',
      tel: patient.phone,
      state: '0',
      authorId: null,
    });
    const channel = await server.database.db
      .selectFrom('channels')
      .select('name')
      .where('id', '=', Number(record.mediaFromId))
      .executeTakeFirstOrThrow();
    expect(channel.name).toBe('患者端自助注册');
  });

  it('shows a portal profile edit to staff on the same row', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const newPhone = uniquePhone();
    const sent = await server.http.post('/patient/phone/verification-code', {
      bearer: patient.token,
      json: { phone: newPhone },
    });
    expect(sent.status, sent.text).toBe(200);
    const edit = await server.http.patch('/patient/patient_manage', {
      bearer: patient.token,
      json: {
        phone: newPhone,
        phone_code: await lastCodeSentTo(server, newPhone),
        name: '新名字',
        gender: 'female',
        birth_date: '1990-01-01',
        address: '北京市朝阳区',
        medical_history: '无',
      },
    });
    expect(edit.status).toBe(200);
    const list = await server.http.get(`${STAFF}/patient/`, { query: { token: staffToken, keyword: newPhone } });
    expect(list.body.patients).toHaveLength(1);
    expect(list.body.patients[0]).toMatchObject({
      id: String(patient.patientId),
      name: '新名字',
      tel: newPhone,
      sex: '1',
    });
    // The new phone is now the login.
    expect(
      (await server.http.post('/patient/login', { json: { phone: newPhone, password: patient.password } })).status,
    ).toBe(200);
    expect(
      (await server.http.post('/patient/login', { json: { phone: patient.phone, password: patient.password } })).status,
    ).toBe(401);
  });
});

describe('GET /patient and PATCH|PUT /patient/patient_manage (seed 000)', () => {
  it('returns the profile with the seed fields, with or without the trailing slash', async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '王五');
    for (const path of ['/patient', '/patient/']) {
      const response = await server.http.get(path, { bearer: patient.token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        code: 1,
        msg: expect.any(String),
        data: {
          phone: patient.phone,
          phone_verified: false,
          name: '王五',
          gender: null,
          address: null,
          avatar_url: null,
          birth_date: null,
          medical_history: null,
        },
      });
    }
  });

  it('accepts PUT like PATCH, ignores id and role, and keeps absent fields', async () => {
    const patient = await registerAndLoginPatient(server.http);
    await server.http.patch('/patient/patient_manage', {
      bearer: patient.token,
      json: { phone: patient.phone, name: 'A', address: '上海' },
    });
    const put = await server.http.put('/patient/patient_manage', {
      bearer: patient.token,
      json: { phone: patient.phone, name: 'B', id: 1, role: 'admin', gender: 'male' },
    });
    expect(put.status).toBe(200);
    expect(put.body.data).toMatchObject({ name: 'B', address: '上海', gender: 'male' });
    const login = await server.http.post('/patient/login', {
      json: { phone: patient.phone, password: patient.password },
    });
    expect(login.body.data).toMatchObject({ id: patient.patientId, role: 'patient' });
  });

  it.each([
    [{ phone: undefined }, 'phone'],
    [{ phone: 'p' }, 'phone'],
    [{ gender: 'other' }, 'gender'],
    [{ birth_date: '1990-02-30' }, 'birth_date'],
    [{ birth_date: '2999-01-01' }, 'birth_date'],
    [{ birth_date: '01/02/1990' }, 'birth_date'],
    [{ avatar_url: 'javascript:alert(1)' }, 'avatar_url'],
    [{ avatar_url: '/etc/passwd' }, 'avatar_url'],
    [{ medical_history: 'x'.repeat(2001) }, 'medical_history'],
    [{ name: 42 }, 'name'],
  ])('refuses %j with 400 naming %s and changes nothing', async (change, field) => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '原名');
    const response = await server.http.patch('/patient/patient_manage', {
      bearer: patient.token,
      json: { phone: patient.phone, name: '改名', ...change },
    });
    expect(response.status).toBe(400);
    expect(response.body.msg).toContain(field);
    expect((await server.http.get('/patient', { bearer: patient.token })).body.data.name).toBe('原名');
  });

  it('refuses a phone held by another account with 409', async () => {
    const first = await registerAndLoginPatient(server.http);
    const second = await registerAndLoginPatient(server.http);
    const response = await server.http.patch('/patient/patient_manage', {
      bearer: second.token,
      json: { phone: first.phone, name: 'x' },
    });
    expect(response.status).toBe(409);
    expect((await server.http.get('/patient', { bearer: second.token })).body.data.phone).toBe(second.phone);
  });

  it('requires a patient token: none, garbage or a staff token are 401', async () => {
    expect((await server.http.get('/patient')).status).toBe(401);
    expect((await server.http.get('/patient', { bearer: 'garbage' })).status).toBe(401);
    const crossFamily = await server.http.get('/patient', { bearer: staffToken });
    expect(crossFamily.status).toBe(401);
    expect(crossFamily.body).toMatchObject({ code: 0, data: null });
  });
});

describe('POST /patient/logout', () => {
  it('revokes the token at once', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const out = await server.http.post('/patient/logout', { bearer: patient.token });
    expect(out.status).toBe(200);
    expect(out.body.code).toBe(1);
    expect((await server.http.get('/patient', { bearer: patient.token })).status).toBe(401);
  });
});

describe('a record in the recycle bin', () => {
  it('takes the portal login away while deleted and gives it back on restore', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const deleted = await server.http.delete(`${STAFF}/patient/${patient.patientId}`, { json: { token: staffToken } });
    expect(deleted.status).toBe(200);
    expect((await server.http.get('/patient', { bearer: patient.token })).status).toBe(401);
    const login = await server.http.post('/patient/login', {
      json: { phone: patient.phone, password: patient.password },
    });
    expect(login.status).toBe(401);
    const restored = await server.http.post(`${STAFF}/patient/${patient.patientId}/restore`, {
      json: { token: staffToken },
    });
    expect(restored.status).toBe(200);
    expect(
      (await server.http.post('/patient/login', { json: { phone: patient.phone, password: patient.password } })).status,
    ).toBe(200);
  });
});
