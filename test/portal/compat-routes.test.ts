import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekdayOf } from '../../src/domain/clinic-time/clinic-calendar.js';
import {
  addSession,
  clinicToday,
  createDoctor,
  daysFromToday,
  moveSession,
  setWeekly,
} from '../appointments/helpers.js';
import { registerAndLoginPatient, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The routes the patient client built for the original API calls (issue 19), sent exactly as
 * it sends them: JSON bodies {patient_id, doctor_id, date, timeSlot}, the token as
 * `Authorization: Bearer`, answers in the portal envelope.
 */
const CLINIC_NAME = '康源兼容测试诊所';
let server: TestServer;
let admin: string;
type Patient = Awaited<ReturnType<typeof registerAndLoginPatient>>;

beforeAll(async () => {
  server = await startTestServer({ CLINIC_NAME });
  admin = await staffLogin(server.http);
});
afterAll(async () => server?.close());

/** POST /patient/registration as the original client sends it: its own id in the body, its token in the header. */
function register(patient: Patient, body: Record<string, unknown>) {
  return server.http.post('/patient/registration', {
    bearer: patient.token,
    json: { patient_id: patient.patientId, ...body },
  });
}

async function appointmentCount(patientId: number): Promise<number> {
  const rows = await server.database.db
    .selectFrom('appointments')
    .select('id')
    .where('patient_id', '=', patientId)
    .execute();
  return rows.length;
}

async function bookedPlaces(doctorId: number, date: string, period: 'morning' | 'afternoon'): Promise<number> {
  const sessions = await server.http.get(`/patient/doctors/${doctorId}/sessions`, { query: { from: date, to: date } });
  expect(sessions.status, sessions.text).toBe(200);
  return (sessions.body.data.sessions as { period: string; booked: number }[]).find((s) => s.period === period)!.booked;
}

const REGISTRATION_KEYS = [
  'cancellable',
  'created_at',
  'date',
  'department_name',
  'doctor_id',
  'doctor_name',
  'hospital_name',
  'id',
  'patient_id',
  'state',
  'timeSlot',
];

describe('GET /patient/doctorlist', () => {
  it('lists every active doctor with department and hospital names, with or without the client token', async () => {
    const doctorId = await createDoctor(server, '兼容列表医生');
    const inactiveId = await createDoctor(server, '停用医生');
    await server.database.db.updateTable('doctors').set({ is_active: 0 }).where('id', '=', inactiveId).execute();
    const patient = await registerAndLoginPatient(server.http);

    const anonymous = await server.http.get('/patient/doctorlist');
    const withToken = await server.http.get('/patient/doctorlist', { bearer: patient.token });
    expect(anonymous.status, anonymous.text).toBe(200);
    expect(withToken.status, withToken.text).toBe(200);
    expect(withToken.body).toEqual(anonymous.body);
    expect(anonymous.body).toMatchObject({ code: 1, msg: 'ok' });

    const doctors = anonymous.body.data as Record<string, unknown>[];
    const listed = doctors.find((doctor) => doctor.id === doctorId);
    expect(listed).toEqual({
      id: doctorId,
      name: '兼容列表医生',
      title: '主治医师',
      specialty: '测试专长',
      department_id: 1,
      department_name: '皮肤科',
      hospital_name: CLINIC_NAME,
    });
    expect(doctors.some((doctor) => doctor.id === inactiveId)).toBe(false);
    expect(doctors.every((doctor) => doctor.hospital_name === CLINIC_NAME)).toBe(true);
  });
});

describe('POST, GET and DELETE /patient/registration', () => {
  it('books with the original body, lists it in the client shape, cancels it and frees the place', async () => {
    const doctorId = await createDoctor(server, '兼容挂号医生');
    const date = daysFromToday(5);
    await addSession(server, admin, doctorId, date, 'afternoon', 1);
    const patient = await registerAndLoginPatient(server.http);

    const booked = await register(patient, { doctor_id: doctorId, date, timeSlot: 'afternoon' });
    expect(booked.status, booked.text).toBe(200);
    expect(booked.body).toMatchObject({ code: 1, msg: '挂号成功' });
    const registration = booked.body.data;
    expect(Object.keys(registration).sort()).toEqual(REGISTRATION_KEYS);
    expect(registration).toMatchObject({
      patient_id: patient.patientId,
      doctor_id: doctorId,
      doctor_name: '兼容挂号医生',
      department_name: '皮肤科',
      hospital_name: CLINIC_NAME,
      date,
      timeSlot: 'afternoon',
      state: 'booked',
      cancellable: true,
    });
    expect(await bookedPlaces(doctorId, date, 'afternoon')).toBe(1);
    // The same booking the CarePool portal shows: one rule set, one record.
    const native = await server.http.get(`/patient/appointments/${registration.id}`, { bearer: patient.token });
    expect(native.body.data).toMatchObject({ status: 'booked', period: 'afternoon', source: 'portal' });

    const list = await server.http.get('/patient/registration', { bearer: patient.token });
    expect(list.status, list.text).toBe(200);
    expect(list.body).toMatchObject({ code: 1 });
    expect(list.body.data).toEqual([registration]);

    const cancelled = await server.http.delete(`/patient/registration/${registration.id}`, { bearer: patient.token });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body).toMatchObject({ code: 1, msg: '已取消挂号' });
    expect(cancelled.body.data).toMatchObject({ id: registration.id, state: 'cancelled', cancellable: false });
    expect(await bookedPlaces(doctorId, date, 'afternoon')).toBe(0);

    const listedAfter = await server.http.get('/patient/registration', { bearer: patient.token });
    expect(listedAfter.body.data).toEqual([cancelled.body.data]);

    const again = await server.http.delete(`/patient/registration/${registration.id}`, { bearer: patient.token });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 0, data: null });

    // The place is free again: another patient takes it.
    const other = await registerAndLoginPatient(server.http);
    expect((await register(other, { doctor_id: doctorId, date, timeSlot: 'afternoon' })).status).toBe(200);
  });

  it('books without patient_id (the patient is always the token’s) and lists several, latest session first', async () => {
    const doctorId = await createDoctor(server);
    await addSession(server, admin, doctorId, daysFromToday(3), 'morning', 2);
    await addSession(server, admin, doctorId, daysFromToday(4), 'afternoon', 2);
    const patient = await registerAndLoginPatient(server.http);
    const first = await server.http.post('/patient/registration', {
      bearer: patient.token,
      json: { doctor_id: doctorId, date: daysFromToday(3), timeSlot: 'morning' },
    });
    expect(first.status, first.text).toBe(200);
    expect(
      (await register(patient, { doctor_id: doctorId, date: daysFromToday(4), timeSlot: 'afternoon' })).status,
    ).toBe(200);
    const list = await server.http.get('/patient/registration', { bearer: patient.token });
    expect(list.body.data.map((r: { date: string; timeSlot: string }) => `${r.date} ${r.timeSlot}`)).toEqual([
      `${daysFromToday(4)} afternoon`,
      `${daysFromToday(3)} morning`,
    ]);
  });

  it('refuses a full session and a second booking in the same half-day with 409, writing nothing', async () => {
    const doctorId = await createDoctor(server);
    const otherDoctorId = await createDoctor(server);
    const date = daysFromToday(6);
    await addSession(server, admin, doctorId, date, 'morning', 1);
    await addSession(server, admin, otherDoctorId, date, 'morning', 5);
    const first = await registerAndLoginPatient(server.http);
    const second = await registerAndLoginPatient(server.http);
    expect((await register(first, { doctor_id: doctorId, date, timeSlot: 'morning' })).status).toBe(200);

    const full = await register(second, { doctor_id: doctorId, date, timeSlot: 'morning' });
    expect(full.status).toBe(409);
    expect(full.body).toEqual({ code: 0, msg: '该时段号源已满，请选择其他时段', data: null });
    expect(await appointmentCount(second.patientId)).toBe(0);

    const twice = await register(first, { doctor_id: otherDoctorId, date, timeSlot: 'morning' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 0, data: null });
    expect(twice.body.msg).toContain('已有预约');
    expect(await appointmentCount(first.patientId)).toBe(1);
    expect(await bookedPlaces(otherDoctorId, date, 'morning')).toBe(0);

    const cancelledDate = daysFromToday(7);
    await setWeekly(server, admin, otherDoctorId, weekdayOf(cancelledDate), 'afternoon', 5);
    const stop = await server.http.post(`${STAFF}/schedule/doctors/${otherDoctorId}/exceptions`, {
      bearer: admin,
      json: { date: cancelledDate, period: 'afternoon', kind: 'cancelled', reason: '外出会诊' },
    });
    expect(stop.status, stop.text).toBe(201);
    const stopped = await register(second, { doctor_id: otherDoctorId, date: cancelledDate, timeSlot: 'afternoon' });
    expect(stopped.status).toBe(409);
    expect(stopped.body.msg).toContain('停诊');
    expect(await appointmentCount(second.patientId)).toBe(0);
  });

  it('never overbooks or double-books under concurrent registrations', async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(10);
    await addSession(server, admin, doctorId, date, 'morning', 2);
    const patients = await Promise.all(Array.from({ length: 6 }, () => registerAndLoginPatient(server.http)));
    const answers = await Promise.all(
      patients.map((patient) => register(patient, { doctor_id: doctorId, date, timeSlot: 'morning' })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 409, 409, 409, 409]);
    expect(await bookedPlaces(doctorId, date, 'morning')).toBe(2);

    const otherDoctorId = await createDoctor(server);
    await addSession(server, admin, otherDoctorId, date, 'afternoon', 5);
    const same = patients[0]!;
    const twice = await Promise.all(
      [1, 2, 3].map(() => register(same, { doctor_id: otherDoctorId, date, timeSlot: 'afternoon' })),
    );
    expect(twice.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
    expect(await bookedPlaces(otherDoctorId, date, 'afternoon')).toBe(1);
  });

  it('refuses to cancel after the cutoff with 409 and the deadline', async () => {
    const doctorId = await createDoctor(server);
    await addSession(server, admin, doctorId, daysFromToday(2), 'morning', 2);
    const patient = await registerAndLoginPatient(server.http);
    const booked = await register(patient, { doctor_id: doctorId, date: daysFromToday(2), timeSlot: 'morning' });
    expect(booked.status, booked.text).toBe(200);
    await moveSession(server, booked.body.data.id, clinicToday(), 'afternoon');

    const late = await server.http.delete(`/patient/registration/${booked.body.data.id}`, { bearer: patient.token });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 0, data: null });
    expect(late.body.msg).toContain('取消截止时间');
    expect(typeof late.body.cancel_deadline).toBe('number');
    const list = await server.http.get('/patient/registration', { bearer: patient.token });
    expect(list.body.data[0]).toMatchObject({ state: 'booked', cancellable: false });
  });
});

describe("one patient cannot reach another's registrations", () => {
  it("answers another patient's registration id exactly like a missing one, and leaves it booked", async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(8);
    await addSession(server, admin, doctorId, date, 'morning', 3);
    const owner = await registerAndLoginPatient(server.http);
    const intruder = await registerAndLoginPatient(server.http);
    const booked = await register(owner, { doctor_id: doctorId, date, timeSlot: 'morning' });
    expect(booked.status, booked.text).toBe(200);

    const foreign = await server.http.delete(`/patient/registration/${booked.body.data.id}`, {
      bearer: intruder.token,
    });
    const missing = await server.http.delete('/patient/registration/987654321', { bearer: intruder.token });
    expect(foreign.status).toBe(404);
    expect(foreign.text).toBe(missing.text);
    expect(foreign.body).toEqual({ code: 0, msg: '预约不存在', data: null });

    expect((await server.http.get('/patient/registration', { bearer: intruder.token })).body.data).toEqual([]);
    const ownList = await server.http.get('/patient/registration', { bearer: owner.token });
    expect(ownList.body.data[0]).toMatchObject({ id: booked.body.data.id, state: 'booked' });
  });

  it("refuses a body patient_id that is not the caller's (403, the same for any other id) and books for nobody", async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(9);
    await addSession(server, admin, doctorId, date, 'afternoon', 3);
    const caller = await registerAndLoginPatient(server.http);
    const victim = await registerAndLoginPatient(server.http);
    const body = { doctor_id: doctorId, date, timeSlot: 'afternoon' };

    const forVictim = await server.http.post('/patient/registration', {
      bearer: caller.token,
      json: { ...body, patient_id: victim.patientId },
    });
    const forNobody = await server.http.post('/patient/registration', {
      bearer: caller.token,
      json: { ...body, patient_id: 987654321 },
    });
    expect(forVictim.status).toBe(403);
    expect(forVictim.body).toMatchObject({ code: 0, data: null, field: 'patient_id' });
    expect(forVictim.body.msg).toContain('本人');
    expect(forNobody.text).toBe(forVictim.text);
    expect(await appointmentCount(victim.patientId)).toBe(0);
    expect(await appointmentCount(caller.patientId)).toBe(0);
    expect(await bookedPlaces(doctorId, date, 'afternoon')).toBe(0);
  });
});

describe('refusals in the portal envelope', () => {
  it('answers 401 {code: 0, data: null} without a token or with a bad one, on every registration route', async () => {
    const requests = [
      () => server.http.get('/patient/registration'),
      () =>
        server.http.post('/patient/registration', {
          json: { doctor_id: 1, date: daysFromToday(2), timeSlot: 'morning' },
        }),
      () => server.http.delete('/patient/registration/1'),
      () => server.http.get('/patient/registration', { bearer: 'not-a-token' }),
      () => server.http.get('/patient/registration', { bearer: admin }),
      () => server.http.get('/patient/registration', { headers: { authorization: 'Token abc' } }),
    ];
    for (const send of requests) {
      const response = await send();
      expect(response.status, response.text).toBe(401);
      expect(response.body).toMatchObject({ code: 0, data: null });
      expect(typeof response.body.msg).toBe('string');
    }
  });

  it('refuses hostile and wrong input with a clear 4xx, never a 5xx, and writes nothing', async () => {
    const doctorId = await createDoctor(server);
    for (let weekday = 1; weekday <= 7; weekday += 1) await setWeekly(server, admin, doctorId, weekday, 'morning', 3);
    const patient = await registerAndLoginPatient(server.http);
    const good = { doctor_id: doctorId, date: daysFromToday(3), timeSlot: 'morning' };
    const cases: { body: unknown; status: number; field?: string; msg?: string }[] = [
      { body: {}, status: 400 },
      { body: { ...good, doctor_id: undefined }, status: 400, msg: '缺少参数: doctor_id' },
      { body: { ...good, date: undefined }, status: 400, msg: '缺少参数: date' },
      { body: { ...good, timeSlot: undefined }, status: 400, msg: '缺少参数: timeSlot' },
      { body: { ...good, doctor_id: String(doctorId) }, status: 400, field: 'doctor_id' },
      { body: { ...good, doctor_id: 1.5 }, status: 400, field: 'doctor_id' },
      { body: { ...good, doctor_id: 0 }, status: 400, field: 'doctor_id' },
      { body: { ...good, doctor_id: 2 ** 40 }, status: 400, field: 'doctor_id' },
      { body: { ...good, patient_id: 'me' }, status: 400, field: 'patient_id' },
      { body: { ...good, patient_id: null }, status: 400, field: 'patient_id' },
      { body: { ...good, timeSlot: 'evening' }, status: 400, field: 'timeSlot' },
      { body: { ...good, timeSlot: 'MORNING' }, status: 400, field: 'timeSlot' },
      { body: { ...good, timeSlot: ['morning'] }, status: 400, field: 'timeSlot' },
      { body: { ...good, date: 20260101 }, status: 400, field: 'date' },
      { body: { ...good, date: '2026-02-30' }, status: 400, field: 'date' },
      { body: { ...good, date: `${daysFromToday(3)}T08:00:00` }, status: 400, field: 'date' },
      { body: { ...good, date: '9'.repeat(5000) }, status: 400, field: 'date' },
      { body: { ...good, date: `${daysFromToday(3).slice(0, 9)}\u0000` }, status: 400 },
      { body: { ...good, date: daysFromToday(-1) }, status: 400, msg: '该时段已开始或已过去，不能预约' },
      { body: { ...good, date: daysFromToday(29) }, status: 400, field: 'date' },
      { body: { ...good, timeSlot: 'afternoon' }, status: 400, field: 'timeSlot', msg: '医生该时段不出诊' },
      { body: { ...good, doctor_id: 987654321 }, status: 404, msg: '医生不存在或已停诊' },
      { body: [good], status: 400 },
      { body: 'morning', status: 400 },
    ];
    for (const testCase of cases) {
      const response = await server.http.post('/patient/registration', { bearer: patient.token, json: testCase.body });
      const label = `${JSON.stringify(testCase.body).slice(0, 120)} -> ${response.text.slice(0, 200)}`;
      expect(response.status, label).toBe(testCase.status);
      expect(response.body, label).toMatchObject({ code: 0, data: null });
      expect(response.body.msg, label).toEqual(expect.any(String));
      if (testCase.field) expect(response.body.field, label).toBe(testCase.field);
      if (testCase.msg) expect(response.body.msg, label).toBe(testCase.msg);
    }

    const raw = [
      { raw: '{"doctor_id": 1, "date": ', contentType: 'application/json' },
      { raw: 'doctor_id=1&date=2026-01-01&timeSlot=morning', contentType: 'application/x-www-form-urlencoded' },
      { raw: '', contentType: 'application/json' },
      { raw: 'null', contentType: 'application/json' },
    ];
    for (const request of raw) {
      const response = await server.http.post('/patient/registration', { bearer: patient.token, ...request });
      expect(response.status, `${request.raw} -> ${response.text}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${request.raw} -> ${response.text}`).toBeLessThan(500);
      expect(response.body).toMatchObject({ code: 0, data: null });
    }

    for (const id of ['abc', '0', '-1', '1.5', '99999999999', '1%00']) {
      const response = await server.http.delete(`/patient/registration/${id}`, { bearer: patient.token });
      expect(response.status, `${id} -> ${response.text}`).toBe(400);
      expect(response.body).toMatchObject({ code: 0, data: null });
    }
    const withBody = await server.http.delete('/patient/registration/987654321', {
      bearer: patient.token,
      raw: '',
      contentType: 'application/json',
    });
    expect(withBody.status, withBody.text).toBeLessThan(500);
    expect(withBody.body).toMatchObject({ code: 0, data: null });

    expect(await appointmentCount(patient.patientId)).toBe(0);
    // Fields the original client may add are dropped, not refused; the booking then goes through.
    const extra = await server.http.post('/patient/registration', {
      bearer: patient.token,
      json: { ...good, patient_id: patient.patientId, doctor_name: 'x', hospital_id: 3 },
    });
    expect(extra.status, extra.text).toBe(200);
    expect(await appointmentCount(patient.patientId)).toBe(1);
  });
});

describe('the OpenAPI description', () => {
  it('documents the compatibility routes and their mapping', async () => {
    const openApi = (await server.http.get('/docs/json')).body;
    const post = openApi.paths['/patient/registration'].post;
    expect(post.description).toContain('timeSlot');
    expect(JSON.stringify(post.requestBody)).toContain('session period');
    expect(Object.keys(post.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '500']);
    expect(openApi.paths['/patient/registration'].get).toBeDefined();
    expect(openApi.paths['/patient/registration/{id}'].delete.description).toContain('404');
    expect(openApi.paths['/patient/doctorlist'].get.summary).toContain('hospital');
  });
});
