import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekdayOf } from '../../src/domain/clinic-time/clinic-calendar.js';
import { registerAndLoginPatient, staffLogin, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { addSession, book, calendar, clinicToday, createDoctor, daysFromToday, setWeekly } from './helpers.js';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
});
afterAll(async () => server?.close());

describe('public catalog', () => {
  it('lists departments and doctors without login, with next bookable dates and no private data', async () => {
    const doctorId = await createDoctor(server, '目录医生');
    const date = daysFromToday(2);
    await addSession(server, admin, doctorId, date, 'morning', 3);
    await addSession(server, admin, doctorId, daysFromToday(4), 'afternoon', 1);

    const departments = await server.http.get('/patient/departments');
    expect(departments.status).toBe(200);
    expect(departments.body.code).toBe(1);
    expect(departments.body.data.map((d: { name: string }) => d.name)).toContain('皮肤科');

    const doctors = await server.http.get('/patient/doctors', { query: { department_id: 1 } });
    expect(doctors.status).toBe(200);
    const listed = doctors.body.data.find((d: { id: number }) => d.id === doctorId);
    expect(listed).toMatchObject({
      name: '目录医生',
      title: '主治医师',
      specialty: '测试专长',
      department_name: '皮肤科',
    });
    expect(listed.next_available_dates).toEqual([date, daysFromToday(4)]);
    expect(Object.keys(listed).sort()).toEqual([
      'department_id',
      'department_name',
      'id',
      'name',
      'next_available_dates',
      'specialty',
      'title',
    ]);
    expect(doctors.body.data.every((d: { department_id: number }) => d.department_id === 1)).toBe(true);

    const otherDepartment = await server.http.get('/patient/doctors', { query: { department_id: 2 } });
    expect(otherDepartment.body.data.some((d: { id: number }) => d.id === doctorId)).toBe(false);
    expect((await server.http.get('/patient/doctors', { query: { department_id: 'x' } })).status).toBe(400);
  });

  it("lists a doctor's sessions with capacity, booked and remaining; refuses past and far ranges", async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(3);
    await addSession(server, admin, doctorId, date, 'afternoon', 2);
    const patient = await registerAndLoginPatient(server.http);
    expect((await book(server, patient.token, { doctor_id: doctorId, date, period: 'afternoon' })).status).toBe(201);

    const sessions = await server.http.get(`/patient/doctors/${doctorId}/sessions`, {
      query: { from: clinicToday(), to: daysFromToday(7) },
    });
    expect(sessions.status).toBe(200);
    expect(sessions.body.data.sessions).toEqual([
      {
        date,
        period: 'afternoon',
        start_time: calendar.sessionStart(date, 'afternoon'),
        capacity: 2,
        booked: 1,
        remaining: 1,
        bookable: true,
      },
    ]);
    const past = await server.http.get(`/patient/doctors/${doctorId}/sessions`, { query: { from: daysFromToday(-1) } });
    expect(past.status).toBe(400);
    expect(past.body).toMatchObject({ code: 0, data: null });
    expect(past.body.msg).toContain('不能早于今天');
    expect(
      (await server.http.get(`/patient/doctors/${doctorId}/sessions`, { query: { to: daysFromToday(29) } })).status,
    ).toBe(400);
    expect(
      (await server.http.get(`/patient/doctors/${doctorId}/sessions`, { query: { from: '2025-02-30' } })).status,
    ).toBe(400);
    expect((await server.http.get('/patient/doctors/999999/sessions')).status).toBe(404);
  });

  it('repeats weekly sessions on their weekday', async () => {
    const doctorId = await createDoctor(server);
    for (let weekday = 1; weekday <= 7; weekday += 1) await setWeekly(server, admin, doctorId, weekday, 'morning', 4);
    const sessions = await server.http.get(`/patient/doctors/${doctorId}/sessions`, {
      query: { from: daysFromToday(1), to: daysFromToday(7) },
    });
    expect(sessions.body.data.sessions).toHaveLength(7);
    expect(
      sessions.body.data.sessions.every(
        (s: { period: string; capacity: number }) => s.period === 'morning' && s.capacity === 4,
      ),
    ).toBe(true);
  });
});

describe('booking rules', () => {
  it('books, fills the pool record (order_time, doctor), keeps the channel, audits', async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(5);
    await addSession(server, admin, doctorId, date, 'morning', 2);
    const patient = await registerAndLoginPatient(server.http);
    const before = await server.database.db
      .selectFrom('patients')
      .selectAll()
      .where('id', '=', patient.patientId)
      .executeTakeFirstOrThrow();

    const response = await book(server, patient.token, {
      doctor_id: doctorId,
      date,
      period: 'morning',
      visit_reason: '  想咨询祛斑  ',
    });
    expect(response.status).toBe(201);
    expect(response.body.code).toBe(1);
    expect(response.body.data).toMatchObject({
      doctor_id: doctorId,
      date,
      period: 'morning',
      status: 'booked',
      source: 'portal',
      cancellable: true,
      // Kept for the doctor's day, trimmed.
      visit_reason: '想咨询祛斑',
    });

    const after = await server.database.db
      .selectFrom('patients')
      .selectAll()
      .where('id', '=', patient.patientId)
      .executeTakeFirstOrThrow();
    expect(after.order_time).toBe(calendar.sessionStart(date, 'morning'));
    expect(after.doctor_id).toBe(doctorId);
    expect(after.media_from_id).toBe(before.media_from_id);
    expect(after.disease_id).toBeNull();

    const audit = await server.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'appointment.book')
      .where('target_id', '=', String(response.body.data.id))
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_type: 'patient', actor_id: patient.patientId, target_type: 'appointment' });
  });

  it('refuses a full session (409), a second booking in the same date and period (409), a cancelled session (409)', async () => {
    const doctorId = await createDoctor(server);
    const otherDoctorId = await createDoctor(server);
    const date = daysFromToday(6);
    await addSession(server, admin, doctorId, date, 'morning', 1);
    await addSession(server, admin, otherDoctorId, date, 'morning', 5);
    const first = await registerAndLoginPatient(server.http);
    const second = await registerAndLoginPatient(server.http);
    expect((await book(server, first.token, { doctor_id: doctorId, date, period: 'morning' })).status).toBe(201);

    const full = await book(server, second.token, { doctor_id: doctorId, date, period: 'morning' });
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({ code: 0, data: null, msg: '该时段号源已满，请选择其他时段' });

    const twice = await book(server, first.token, { doctor_id: otherDoctorId, date, period: 'morning' });
    expect(twice.status).toBe(409);
    expect(twice.body.msg).toContain('已有预约');

    const cancelledDate = daysFromToday(7);
    const cancel = await server.http.post(`/back_end/api/v1/schedule/doctors/${otherDoctorId}/exceptions`, {
      bearer: admin,
      json: { date: cancelledDate, period: 'afternoon', kind: 'cancelled', reason: '外出会诊' },
    });
    expect(cancel.status).toBe(201);
    await setWeekly(server, admin, otherDoctorId, weekdayOf(cancelledDate), 'afternoon', 5);
    const cancelled = await book(server, second.token, {
      doctor_id: otherDoctorId,
      date: cancelledDate,
      period: 'afternoon',
    });
    expect(cancelled.status).toBe(409);
    expect(cancelled.body.msg).toContain('停诊');
  });

  it('refuses the past, beyond 28 days, a session not offered, an unknown doctor and bad input (400/404)', async () => {
    const doctorId = await createDoctor(server);
    for (let weekday = 1; weekday <= 7; weekday += 1) await setWeekly(server, admin, doctorId, weekday, 'morning', 3);
    const patient = await registerAndLoginPatient(server.http);

    const past = await book(server, patient.token, { doctor_id: doctorId, date: daysFromToday(-1), period: 'morning' });
    expect(past.status).toBe(400);
    expect(past.body.msg).toContain('已过去');
    const far = await book(server, patient.token, { doctor_id: doctorId, date: daysFromToday(29), period: 'morning' });
    expect(far.status).toBe(400);
    expect(far.body.msg).toContain('28 天');
    expect(
      (await book(server, patient.token, { doctor_id: doctorId, date: daysFromToday(28), period: 'morning' })).status,
    ).toBe(201);
    const notOffered = await book(server, patient.token, {
      doctor_id: doctorId,
      date: daysFromToday(3),
      period: 'afternoon',
    });
    expect(notOffered.status).toBe(400);
    expect(notOffered.body.msg).toBe('医生该时段不出诊');
    for (const visit_reason of ['x'.repeat(201), '第一行\n第二行', 42])
      expect(
        (
          await book(server, patient.token, {
            doctor_id: doctorId,
            date: daysFromToday(4),
            period: 'morning',
            visit_reason,
          })
        ).status,
      ).toBe(400);
    expect(
      (await book(server, patient.token, { doctor_id: 999999, date: daysFromToday(3), period: 'morning' })).status,
    ).toBe(404);

    for (const body of [
      {},
      { doctor_id: doctorId, date: daysFromToday(3) },
      { doctor_id: doctorId, date: daysFromToday(3), period: 'evening' },
      { doctor_id: String(doctorId), date: daysFromToday(3), period: 'morning' },
      { doctor_id: doctorId, date: '2030-02-30', period: 'morning' },
      { doctor_id: doctorId, date: "2030-01-01' or 1=1", period: 'morning' },
    ]) {
      const response = await book(server, patient.token, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.code).toBe(0);
    }
    const malformed = await server.http.post('/patient/appointments', {
      bearer: patient.token,
      raw: '{"doctor_id":',
      contentType: 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect(
      (
        await server.http.post('/patient/appointments', {
          json: { doctor_id: doctorId, date: daysFromToday(3), period: 'morning' },
        })
      ).status,
    ).toBe(401);
  });
});

describe('my appointments and ownership', () => {
  it("lists upcoming and past, cancels own bookings, and answers another patient's ids with 404", async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(10);
    await addSession(server, admin, doctorId, date, 'afternoon', 3);
    const owner = await registerAndLoginPatient(server.http);
    const stranger = await registerAndLoginPatient(server.http);
    const booked = await book(server, owner.token, { doctor_id: doctorId, date, period: 'afternoon' });
    const id = booked.body.data.id as number;

    const mine = await server.http.get('/patient/appointments', { bearer: owner.token });
    expect(mine.status).toBe(200);
    expect(mine.body.data.upcoming.map((a: { id: number }) => a.id)).toEqual([id]);
    expect(mine.body.data.past).toEqual([]);
    expect(mine.body.data.upcoming[0]).toMatchObject({
      doctor_name: expect.any(String),
      status: 'booked',
      cancel_deadline: calendar.instantOnDate(daysFromToday(9), 18 * 60),
    });

    const theirs = await server.http.get('/patient/appointments', { bearer: stranger.token });
    expect(theirs.body.data).toEqual({ upcoming: [], past: [] });
    const peek = await server.http.get(`/patient/appointments/${id}`, { bearer: stranger.token });
    const missing = await server.http.get('/patient/appointments/99999999', { bearer: stranger.token });
    expect(peek.status).toBe(404);
    expect(peek.body).toEqual(missing.body);
    const foreignCancel = await server.http.post(`/patient/appointments/${id}/cancel`, { bearer: stranger.token });
    const missingCancel = await server.http.post('/patient/appointments/99999999/cancel', { bearer: stranger.token });
    expect(foreignCancel.status).toBe(404);
    expect(foreignCancel.body).toEqual(missingCancel.body);

    expect((await server.http.get(`/patient/appointments/${id}`, { bearer: owner.token })).body.data.id).toBe(id);
    const cancel = await server.http.post(`/patient/appointments/${id}/cancel`, { bearer: owner.token });
    expect(cancel.status).toBe(200);
    expect(cancel.body.data).toMatchObject({ id, status: 'cancelled', cancellable: false });
    const again = await server.http.post(`/patient/appointments/${id}/cancel`, { bearer: owner.token });
    expect(again.status).toBe(409);

    const sessions = await server.http.get(`/patient/doctors/${doctorId}/sessions`, {
      query: { from: date, to: date },
    });
    expect(sessions.body.data.sessions[0]).toMatchObject({ booked: 0, remaining: 3 });
    const pool = await server.database.db
      .selectFrom('patients')
      .select(['order_time'])
      .where('id', '=', owner.patientId)
      .executeTakeFirstOrThrow();
    expect(pool.order_time).toBeNull();
    const audit = await server.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'appointment.cancel')
      .where('target_id', '=', String(id))
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(owner.patientId);

    // Cancelled places can be booked again, by the same patient too.
    expect((await book(server, owner.token, { doctor_id: doctorId, date, period: 'afternoon' })).status).toBe(201);
  });

  it('puts earlier sessions under past', async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(2);
    await addSession(server, admin, doctorId, date, 'morning', 3);
    const patient = await registerAndLoginPatient(server.http);
    const booked = await book(server, patient.token, { doctor_id: doctorId, date, period: 'morning' });
    const yesterday = daysFromToday(-1);
    await server.database.db
      .updateTable('appointments')
      .set({ session_date: yesterday, start_time: calendar.sessionStart(yesterday, 'morning') })
      .where('id', '=', booked.body.data.id)
      .execute();
    const mine = await server.http.get('/patient/appointments', { bearer: patient.token });
    expect(mine.body.data.upcoming).toEqual([]);
    expect(mine.body.data.past.map((a: { id: number; date: string }) => [a.id, a.date])).toEqual([
      [booked.body.data.id, yesterday],
    ]);
    expect(unixNow()).toBeGreaterThan(mine.body.data.past[0].start_time);
  });
});
