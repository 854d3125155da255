import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPatientBody,
  createStaffUser,
  DEFAULT_ROLE,
  STAFF,
  staffLogin,
  uniquePhone,
} from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await staffLogin(server.http);
});
afterAll(async () => server?.close());

const countPatients = async () =>
  Number(
    (
      await server.database.db
        .selectFrom('patients')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('POST patient/ (seed 004)', () => {
  it("creates a patient and answers 201 {newPatient} in the seed's shape", async () => {
    const tel = uniquePhone();
    const response = await server.http.post(`${STAFF}/patient/`, {
      json: {
        token,
        name: 'patient1',
        sex: 0,
        tel,
        age: 20,
        wechat: 'patient1-wx',
        qq: '666666',
        add_time: 1491983355,
        state: 0,
        disease_id: 1,
        media_from_id: 1,
        doctor_id: 1,
        advisory_way: '电话',
        advisory_content: '咨询痤疮',
        area: '温州',
        remarks: '苟...',
      },
    });
    expect(response.status).toBe(201);
    const admin = await server.database.db
      .selectFrom('staff_users')
      .select('id')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    expect(response.body).toEqual({
      newPatient: {
        id: expect.stringMatching(/^\d+$/),
        name: 'patient1',
        sex: '0',
        tel,
        age: '20',
        wechat: 'patient1-wx',
        qq: '666666',
        addTime: '1491983355',
        orderTime: null,
        reachTime: null,
        diseaseId: '1',
        authorId: String(admin.id),
        state: '0',
        mediaFromId: '1',
        doctorId: '1',
        advisoryWay: '电话',
        advisoryContent: '咨询痤疮',
        area: '温州',
        remarks: '苟...',
      },
    });
  });

  it('accepts a form-urlencoded body (numbers arrive as text; empty fields mean absent)', async () => {
    const response = await server.http.post(`${STAFF}/patient`, {
      form: {
        token,
        name: '表单客户',
        add_time: 1700000000,
        state: 1,
        sex: 1,
        age: '',
        tel: '',
        reach_time: 1700000100,
      },
    });
    expect(response.status).toBe(201);
    expect(response.body.newPatient).toMatchObject({
      name: '表单客户',
      sex: '1',
      age: null,
      tel: null,
      state: '1',
      reachTime: '1700000100',
    });
  });

  it.each(['name', 'add_time', 'state'])(
    'answers 44001 naming %s when it is missing, storing nothing',
    async (field) => {
      const before = await countPatients();
      const body = createPatientBody({ token });
      delete body[field];
      const response = await server.http.post(`${STAFF}/patient/`, { json: body });
      expect(response.status).toBe(400);
      expect(response.body.state_code).toBe(44001);
      expect(response.body.msg).toContain(field);
      expect(await countPatients()).toBe(before);
    },
  );

  it.each([
    ['sex', 2],
    ['sex', 'male'],
    ['age', -1],
    ['age', 151],
    ['age', 'twenty'],
    ['tel', '12345678901'],
    ['tel', '1381234567'],
    ['tel', '138123456789'],
    ['qq', 'abc'],
    ['add_time', 'yesterday'],
    ['add_time', 1700000000000],
    ['state', 3],
    ['state', -1],
    ['order_time', -5],
    ['disease_id', 0],
    ['disease_id', 99999],
    ['media_from_id', 99999],
    ['doctor_id', 99999],
    ['name', ''],
    ['name', 'x'.repeat(51)],
    ['remarks', 'x'.repeat(2001)],
    ['advisory_way', 'x'.repeat(21)],
    ['name', { $ne: 1 }],
  ])('refuses %s = %j with 400 naming the field, storing nothing', async (field, value) => {
    const before = await countPatients();
    const response = await server.http.post(`${STAFF}/patient/`, {
      json: createPatientBody({ token, [field]: value }),
    });
    expect(response.status).toBe(400);
    expect(response.body.state_code).toBe(40001);
    expect(response.body.msg).toContain(field);
    expect(await countPatients()).toBe(before);
  });

  it('refuses a reach_time before add_time', async () => {
    const response = await server.http.post(`${STAFF}/patient/`, {
      json: createPatientBody({ token, add_time: 1700000000, reach_time: 1699999999 }),
    });
    expect(response.status).toBe(400);
    expect(response.body.msg).toContain('reach_time');
  });

  it('refuses a deactivated catalog entry for a new record', async () => {
    await server.database.db.updateTable('channels').set({ is_active: 0 }).where('id', '=', 2).execute();
    const response = await server.http.post(`${STAFF}/patient/`, {
      json: createPatientBody({ token, media_from_id: 2 }),
    });
    expect(response.status).toBe(400);
    expect(response.body.msg).toContain('media_from_id');
    await server.database.db.updateTable('channels').set({ is_active: 1 }).where('id', '=', 2).execute();
  });

  it('stores hostile strings verbatim and returns them as data', async () => {
    const hostile = `Robert'); DROP TABLE patients;-- <script>alert(1)</script> ☃ 𝄞 \u202e %_\\`;
    const response = await server.http.post(`${STAFF}/patient/`, {
      json: createPatientBody({ token, remarks: hostile, name: "O'Brien 王" }),
    });
    expect(response.status).toBe(201);
    expect(response.body.newPatient.remarks).toBe(hostile);
    expect(await countPatients()).toBeGreaterThan(0);
  });

  it('refuses a NUL character in any field with 400 on both databases, storing nothing', async () => {
    const before = await countPatients();
    const response = await server.http.post(`${STAFF}/patient/`, {
      json: createPatientBody({ token, remarks: 'a\u0000b' }),
    });
    expect(response.status).toBe(400);
    expect(response.body.msg).toContain('remarks');
    expect(await countPatients()).toBe(before);
  });

  it('refuses a duplicate tel with 409 and the existing id, unless allow_duplicate is passed', async () => {
    const tel = uniquePhone();
    const first = await server.http.post(`${STAFF}/patient/`, { json: createPatientBody({ token, tel }) });
    expect(first.status).toBe(201);
    const duplicate = await server.http.post(`${STAFF}/patient/`, { json: createPatientBody({ token, tel }) });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ state_code: 40901, existingId: first.body.newPatient.id });
    const overridden = await server.http.post(`${STAFF}/patient/`, {
      form: { ...createPatientBody({ token, tel }), allow_duplicate: 'true' },
    });
    expect(overridden.status).toBe(201);
  });

  it("does not reveal the id of another consultant's duplicate", async () => {
    const tel = uniquePhone();
    const first = await createStaffUser(server, 'consultant_dup_a', DEFAULT_ROLE.consultant);
    const second = await createStaffUser(server, 'consultant_dup_b', DEFAULT_ROLE.consultant);
    expect(
      (await server.http.post(`${STAFF}/patient/`, { json: createPatientBody({ token: first.token, tel }) })).status,
    ).toBe(201);
    const duplicate = await server.http.post(`${STAFF}/patient/`, {
      json: createPatientBody({ token: second.token, tel }),
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.existingId).toBeUndefined();
  });

  it('answers 48001 to a role without patients:create and 41001 without a token', async () => {
    const frontDesk = await createStaffUser(server, 'front_desk_create', DEFAULT_ROLE.frontDesk);
    const denied = await server.http.post(`${STAFF}/patient/`, { json: createPatientBody({ token: frontDesk.token }) });
    expect(denied.status).toBe(403);
    expect(denied.body.state_code).toBe(48001);
    const anonymous = await server.http.post(`${STAFF}/patient/`, { json: createPatientBody() });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.state_code).toBe(41001);
  });

  it('writes a patient.create audit row with the phone masked', async () => {
    const tel = '13912345678';
    const created = await server.http.post(`${STAFF}/patient/`, {
      json: createPatientBody({ token, tel, allow_duplicate: true }),
    });
    const row = await server.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'patient.create')
      .where('target_id', '=', created.body.newPatient.id)
      .executeTakeFirstOrThrow();
    expect(row.actor_type).toBe('staff');
    expect(row.details).toContain('139****5678');
    expect(row.details).not.toContain(tel);
  });
});
