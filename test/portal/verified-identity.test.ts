import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession, createDoctor, daysFromToday } from '../appointments/helpers.js';
import { lastCodeSentTo, outboxRows } from '../notifications/support/messages.js';
import { createPatientBody, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Who gets the record staff hold for a phone: only someone who proves the phone. Registering
 * without a code shows nothing staff entered and changes nothing, and answers exactly as for a
 * phone the clinic never saw; a claim with a code brings the account to the clinic's record.
 */
let server: TestServer;
let admin: string;
let doctorId: number;

const login = (phone: string, password: string) => server.http.post('/patient/login', { json: { phone, password } });
const codeFor = async (phone: string, purpose: string) => {
  const sent = await server.http.post('/patient/verification-codes', { json: { phone, purpose } });
  expect(sent.status, sent.text).toBe(200);
  return lastCodeSentTo(server, phone);
};
const letAMinutePass = (phone: string) =>
  server.database.db
    .updateTable('verification_limits')
    .set((eb) => ({ last_request_at: eb('last_request_at', '-', 61) }))
    .where('key', '=', `phone:${phone}`)
    .execute();

/** A record staff hold, with what a clinic knows about a person, and a booking made at the desk. */
async function staffRecord() {
  const tel = uniquePhone();
  const created = await server.http.post(`${STAFF}/patient/`, {
    bearer: admin,
    json: createPatientBody({ name: '陈美玲', tel, sex: 1, area: '杭州', remarks: '对青霉素过敏' }),
  });
  expect(created.status, created.text).toBe(201);
  const id = Number(created.body.newPatient.id);
  await server.database.db
    .updateTable('patients')
    .set({ birth_date: '1985-04-12', medical_history: '高血压十年', address: '杭州市西湖区' })
    .where('id', '=', id)
    .execute();
  const booked = await server.http.post(`${STAFF}/appointment`, {
    bearer: admin,
    json: { patient_id: id, doctor_id: doctorId, date: daysFromToday(3), period: 'morning' },
  });
  expect(booked.status, booked.text).toBe(201);
  const row = () =>
    server.database.db.selectFrom('patients').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { id, tel, row, appointmentId: booked.body.appointment.id as string };
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  doctorId = await createDoctor(server, '认领医生');
  for (let day = 2; day < 6; day += 1) {
    await addSession(server, admin, doctorId, daysFromToday(day), 'morning', 30);
    await addSession(server, admin, doctorId, daysFromToday(day), 'afternoon', 30);
  }
});
afterAll(async () => server?.close());

describe('registering without a code on a phone the clinic holds', () => {
  it('answers as for a new phone, shows nothing staff entered, and changes nothing', async () => {
    const clinic = await staffRecord();
    const before = await clinic.row();
    const fresh = await server.http.post('/patient/register', {
      json: { phone: uniquePhone(), password: 'someone-else-1', name: '冒名者' },
    });
    const known = await server.http.post('/patient/register', {
      json: { phone: clinic.tel, password: 'someone-else-1', name: '冒名者' },
    });
    expect(known.status).toBe(fresh.status);
    expect(known.body).toEqual(fresh.body);

    const signedIn = await login(clinic.tel, 'someone-else-1');
    expect(signedIn.status, signedIn.text).toBe(200);
    expect(signedIn.body.data.name).toBe('冒名者');
    expect(signedIn.body.data.id).not.toBe(clinic.id);
    const token = signedIn.body.data.token as string;
    const profile = await server.http.get('/patient', { bearer: token });
    expect(profile.body.data).toEqual({
      phone: clinic.tel,
      phone_verified: false,
      name: '冒名者',
      gender: null,
      address: null,
      avatar_url: null,
      birth_date: null,
      medical_history: null,
    });
    const bookings = await server.http.get('/patient/appointments', { bearer: token });
    expect(bookings.body.data).toEqual({ upcoming: [], past: [] });
    const appointment = await server.http.get(`/patient/appointments/${clinic.appointmentId}`, { bearer: token });
    expect(appointment.status).toBe(404);
    // Edits reach only the account's own record.
    const edited = await server.http.patch('/patient/patient_manage', {
      bearer: token,
      json: { phone: clinic.tel, name: '改名', medical_history: '无' },
    });
    expect(edited.status, edited.text).toBe(200);
    expect(await clinic.row()).toEqual(before);
    const account = await server.database.db
      .selectFrom('patient_accounts')
      .select(['patient_id', 'phone_verified_at'])
      .where('phone', '=', clinic.tel)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ patient_id: signedIn.body.data.id, phone_verified_at: null });
  });
});

describe('claiming with a code', () => {
  it("moves the account to the clinic's record with the bookings made meanwhile, and retires the provisional record", async () => {
    const clinic = await staffRecord();
    const registered = await server.http.post('/patient/register', {
      json: { phone: clinic.tel, password: 'real-owner-1', name: '陈美玲' },
    });
    expect(registered.status).toBe(200);
    const token = (await login(clinic.tel, 'real-owner-1')).body.data.token as string;
    const ownBooking = await server.http.post('/patient/appointments', {
      bearer: token,
      json: { doctor_id: doctorId, date: daysFromToday(4), period: 'afternoon' },
    });
    expect(ownBooking.status, ownBooking.text).toBe(201);
    const provisionalId = (
      await server.database.db
        .selectFrom('patient_accounts')
        .select('patient_id')
        .where('phone', '=', clinic.tel)
        .executeTakeFirstOrThrow()
    ).patient_id;
    await server.http.patch('/patient/patient_manage', {
      bearer: token,
      json: { phone: clinic.tel, name: '陈美玲', gender: 'female' },
    });

    const code = await codeFor(clinic.tel, 'claim');
    const wrong = await server.http.post('/patient/claim', {
      bearer: token,
      json: { code: code === '000000' ? '000001' : '000000' },
    });
    expect(wrong.status).toBe(400);
    expect((await server.http.get('/patient', { bearer: token })).body.data.phone_verified).toBe(false);

    const claimed = await server.http.post('/patient/claim', { bearer: token, json: { code } });
    expect(claimed.status, claimed.text).toBe(200);
    expect(claimed.body.data).toEqual({ phone_verified: true, record_linked: true });
    const profile = await server.http.get('/patient', { bearer: token });
    expect(profile.body.data).toMatchObject({
      phone_verified: true,
      name: '陈美玲',
      gender: 'female',
      birth_date: '1985-04-12',
      medical_history: '高血压十年',
    });
    const bookings = await server.http.get('/patient/appointments', { bearer: token });
    expect(bookings.body.data.upcoming.map((row: { id: number }) => String(row.id)).sort()).toEqual(
      [clinic.appointmentId, String(ownBooking.body.data.id)].sort(),
    );
    const provisional = await server.database.db
      .selectFrom('patients')
      .select(['deleted_at'])
      .where('id', '=', provisionalId)
      .executeTakeFirstOrThrow();
    expect(provisional.deleted_at).not.toBeNull();
    expect((await clinic.row()).remarks).toBe('对青霉素过敏');
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'portal.claim')
      .where('target_id', '=', String(clinic.id))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toMatchObject({
      linked: true,
      fromPatientId: provisionalId,
      toPatientId: clinic.id,
      bookingsMoved: 1,
      provisionalRetired: true,
    });
  });

  it("attaches at registration when the code comes with it, without renaming the clinic's record", async () => {
    const clinic = await staffRecord();
    const code = await codeFor(clinic.tel, 'register');
    const registered = await server.http.post('/patient/register', {
      json: { phone: clinic.tel, password: 'real-owner-2', name: '小陈', code },
    });
    expect(registered.status, registered.text).toBe(200);
    const signedIn = await login(clinic.tel, 'real-owner-2');
    expect(signedIn.body.data).toMatchObject({ id: clinic.id, name: '陈美玲' });
    const profile = await server.http.get('/patient', { bearer: signedIn.body.data.token });
    expect(profile.body.data).toMatchObject({ phone_verified: true, medical_history: '高血压十年' });
  });
});

describe('忘记密码: recovery by code', () => {
  it('sets the new password, ends every session, lifts the lock and tells the phone', async () => {
    const phone = uniquePhone();
    await server.http.post('/patient/register', { json: { phone, password: 'forgotten-1', name: '健忘' } });
    const first = (await login(phone, 'forgotten-1')).body.data.token as string;
    const second = (await login(phone, 'forgotten-1')).body.data.token as string;
    for (let attempt = 0; attempt < 5; attempt += 1) await login(phone, 'wrong-password');
    expect((await login(phone, 'forgotten-1')).status).toBe(429);
    const code = await codeFor(phone, 'reset');
    const reset = await server.http.post('/patient/password/reset', {
      json: { phone, code, new_password: 'remembered-2' },
    });
    expect(reset.status, reset.text).toBe(200);
    for (const token of [first, second])
      expect((await server.http.get('/patient', { bearer: token })).status).toBe(401);
    expect((await login(phone, 'forgotten-1')).status).toBe(401);
    const fresh = await login(phone, 'remembered-2');
    expect(fresh.status, fresh.text).toBe(200);
    expect((await server.http.get('/patient', { bearer: fresh.body.data.token })).body.data.phone_verified).toBe(true);
    expect(await outboxRows(server, { recipient: phone, event: 'password_changed' })).toHaveLength(1);
    // A code works once.
    const again = await server.http.post('/patient/password/reset', {
      json: { phone, code, new_password: 'remembered-3' },
    });
    expect(again.status).toBe(400);
  });

  it("gives the phone's owner the account someone else registered without a code, on the clinic's record", async () => {
    const clinic = await staffRecord();
    await server.http.post('/patient/register', {
      json: { phone: clinic.tel, password: 'intruder-1', name: '冒名者' },
    });
    const intruder = await login(clinic.tel, 'intruder-1');
    const intruderToken = intruder.body.data.token as string;
    const intruderBooking = await server.http.post('/patient/appointments', {
      bearer: intruderToken,
      json: { doctor_id: doctorId, date: daysFromToday(5), period: 'afternoon' },
    });
    expect(intruderBooking.status).toBe(201);
    // The owner is told the phone is registered, and recovers it.
    const blocked = await server.http.post('/patient/register', {
      json: { phone: clinic.tel, password: 'owner-pass-1', name: '陈美玲' },
    });
    expect(blocked.status).toBe(409);
    const code = await codeFor(clinic.tel, 'reset');
    expect(
      (
        await server.http.post('/patient/password/reset', {
          json: { phone: clinic.tel, code, new_password: 'owner-pass-1' },
        })
      ).status,
    ).toBe(200);
    expect((await server.http.get('/patient', { bearer: intruderToken })).status).toBe(401);
    const owner = await login(clinic.tel, 'owner-pass-1');
    expect(owner.body.data).toMatchObject({ id: clinic.id, name: '陈美玲' });
    const bookings = await server.http.get('/patient/appointments', { bearer: owner.body.data.token });
    expect(bookings.body.data.upcoming.map((row: { id: number }) => String(row.id))).toEqual([clinic.appointmentId]);
    // The intruder's record and booking stay where they were, without an account, for staff to review.
    const leftover = await server.database.db
      .selectFrom('patients')
      .leftJoin('patient_accounts', 'patient_accounts.patient_id', 'patients.id')
      .select(['patients.deleted_at', 'patient_accounts.id as account'])
      .where('patients.id', '=', intruder.body.data.id)
      .executeTakeFirstOrThrow();
    expect(leftover).toEqual({ deleted_at: null, account: null });
  });

  it('answers 404 for a phone without an account, once the code is checked', async () => {
    const phone = uniquePhone();
    const code = await codeFor(phone, 'reset');
    const answer = await server.http.post('/patient/password/reset', {
      json: { phone, code, new_password: 'nobody-pass-1' },
    });
    expect(answer.status).toBe(404);
  });
});

describe('changing the login phone', () => {
  it('needs a code sent to the new phone, for this account, and tells the old phone', async () => {
    const phone = uniquePhone();
    await server.http.post('/patient/register', { json: { phone, password: 'mover-pass-1', name: '搬家' } });
    const token = (await login(phone, 'mover-pass-1')).body.data.token as string;
    const newPhone = uniquePhone();
    const withoutCode = await server.http.patch('/patient/patient_manage', {
      bearer: token,
      json: { phone: newPhone, name: '搬家' },
    });
    expect(withoutCode.status).toBe(400);
    expect(withoutCode.body.msg).toContain('phone_code');
    const same = await server.http.post('/patient/phone/verification-code', { bearer: token, json: { phone } });
    expect(same.status).toBe(400);
    const sent = await server.http.post('/patient/phone/verification-code', {
      bearer: token,
      json: { phone: newPhone },
    });
    expect(sent.status, sent.text).toBe(200);
    const code = await lastCodeSentTo(server, newPhone);
    // Another account cannot use it.
    const otherPhone = uniquePhone();
    await server.http.post('/patient/register', {
      json: { phone: otherPhone, password: 'other-pass-1', name: '别人' },
    });
    const otherToken = (await login(otherPhone, 'other-pass-1')).body.data.token as string;
    const stolen = await server.http.patch('/patient/patient_manage', {
      bearer: otherToken,
      json: { phone: newPhone, name: '别人', phone_code: code },
    });
    expect(stolen.status).toBe(400);
    const wrong = await server.http.patch('/patient/patient_manage', {
      bearer: token,
      json: { phone: newPhone, name: '搬家', phone_code: code === '000000' ? '000001' : '000000' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.msg).toContain('code');
    const changed = await server.http.patch('/patient/patient_manage', {
      bearer: token,
      json: { phone: newPhone, name: '搬家', phone_code: code },
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.data).toMatchObject({ phone: newPhone, phone_verified: true });
    expect((await login(newPhone, 'mover-pass-1')).status).toBe(200);
    const notice = await outboxRows(server, { recipient: phone, event: 'phone_changed' });
    expect(notice).toHaveLength(1);
    expect(notice[0]!.body).toContain(`${newPhone.slice(0, 3)}****${newPhone.slice(-4)}`);
    // A phone held by another account: 409 before any code is sent.
    await letAMinutePass(otherPhone);
    const taken = await server.http.post('/patient/phone/verification-code', {
      bearer: token,
      json: { phone: otherPhone },
    });
    expect(taken.status).toBe(409);
  });
});
