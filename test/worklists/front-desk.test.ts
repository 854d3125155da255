import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { addDays } from '../../src/domain/clinic-time/clinic-calendar.js';
import { addSession, clinicToday, createDoctor, daysFromToday, minutesAgoToday } from '../appointments/helpers.js';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin, uniquePhone, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/*
 * 前台今日: the front desk starts the day with everyone expected, across doctors: who has come,
 * who is late (LATE_AFTER_MINUTES after the session start), who walked in without booking, and
 * the actions each row offers through the existing routes. Moving a day back shows yesterday's.
 */

let server: TestServer;
let admin: string;
let frontDesk: { id: number; token: string };
let consultant: { id: number; token: string };
let doctorOne: number;
let doctorTwo: number;
const patients: Record<string, number> = {};
const appointments: Record<string, number> = {};
const MINUTE = 60;

async function register(token: string, name: string) {
  const response = await server.http.post(`${STAFF}/patient/`, {
    json: { token, name, tel: uniquePhone(), add_time: unixNow() - 86_400, state: 0 },
  });
  expect(response.status, response.text).toBe(201);
  return Number(response.body.newPatient.id);
}

/** Books through the staff route on a future session, then moves it to `date` starting at `startTime` (set-up). */
async function bookOn(patientId: number, doctorId: number, date: string, startTime: number) {
  const booked = await server.http.post(`${STAFF}/appointment`, {
    bearer: admin,
    json: { patient_id: patientId, doctor_id: doctorId, date: daysFromToday(3), period: 'morning' },
  });
  expect(booked.status, booked.text).toBe(201);
  const id = Number(booked.body.appointment.id);
  await server.database.db
    .updateTable('appointments')
    .set({ session_date: date, start_time: startTime })
    .where('id', '=', id)
    .execute();
  return id;
}

const day = (token: string, query: Record<string, string | number> = {}) =>
  server.http.get(`${STAFF}/worklists/front-desk`, { bearer: token, query });
const names = (rows: any[]) => rows.map((row) => row.patientName);

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  frontDesk = await createStaffUser(server, 'desk_front', DEFAULT_ROLE.frontDesk);
  consultant = await createStaffUser(server, 'desk_consultant', DEFAULT_ROLE.consultant);
  doctorOne = await createDoctor(server, '前台医生甲');
  doctorTwo = await createDoctor(server, '前台医生乙');
  for (const doctor of [doctorOne, doctorTwo]) await addSession(server, admin, doctor, daysFromToday(3), 'morning', 20);
  const today = clinicToday();
  const now = unixNow();
  for (const name of ['已到', '迟到', '刚开始', '下午', '爽约', '取消', '预约后直接到', '昨天']) {
    patients[name] = await register(admin, name);
  }
  patients.consultantOwn = await register(consultant.token, '顾问的');
  patients.walkIn = await register(admin, '散客');

  appointments.arrived = await bookOn(patients.已到!, doctorOne, today, now - 3 * 3600);
  appointments.late = await bookOn(patients.迟到!, doctorTwo, today, now - 2 * 3600);
  appointments.justStarted = await bookOn(patients.刚开始!, doctorOne, today, now - 5 * MINUTE);
  appointments.afternoon = await bookOn(patients.下午!, doctorTwo, today, now + 2 * 3600);
  appointments.missed = await bookOn(patients.爽约!, doctorOne, today, now - 4 * 3600);
  appointments.cancelled = await bookOn(patients.取消!, doctorTwo, today, now + 3600);
  appointments.bookedThenWalked = await bookOn(patients.预约后直接到!, doctorTwo, today, now + 4 * 3600);
  appointments.consultantOwn = await bookOn(patients.consultantOwn!, doctorOne, today, now - 90 * MINUTE);
  appointments.yesterday = await bookOn(patients.昨天!, doctorOne, addDays(today, -1), now - 26 * 3600);

  const post = async (path: string, body: Record<string, unknown> = {}) => {
    const response = await server.http.post(`${STAFF}/${path}`, { bearer: frontDesk.token, json: body });
    expect(response.status, `${path} ${response.text}`).toBeLessThan(300);
  };
  await post(`appointment/${appointments.arrived}/arrive`);
  await post(`appointment/${appointments.missed}/miss`);
  await post(`appointment/${appointments.cancelled}/cancel`, { reason: '患者改期' });
  // Checked in at the desk without the appointment: not a walk-in (booked that day), the booking still open.
  await post(`patient/${patients.预约后直接到}/arrival`, { reach_time: minutesAgoToday(20) });
  await post(`patient/${patients.walkIn}/arrival`, { reach_time: minutesAgoToday(10) });
});
afterAll(async () => server?.close());

describe('GET worklists/front-desk', () => {
  it("shows today's expected arrivals across doctors by start time, who arrived, who is late, and the walk-ins", async () => {
    const response = await day(frontDesk.token);
    expect(response.status, response.text).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({
      date: clinicToday(),
      today: clinicToday(),
      previousDate: addDays(clinicToday(), -1),
      nextDate: addDays(clinicToday(), 1),
      lateAfterMinutes: 15,
      summary: { expected: 7, waiting: 3, late: 2, arrived: 1, missed: 1, cancelled: 1, walkIns: 1 },
      total: 7,
    });
    expect(names(body.appointments)).toEqual(['爽约', '已到', '迟到', '顾问的', '刚开始', '下午', '预约后直接到']);
    const byName = Object.fromEntries(body.appointments.map((row: any) => [row.patientName, row]));
    expect(new Set(body.appointments.map((row: any) => row.doctorName))).toEqual(new Set(['前台医生甲', '前台医生乙']));
    expect(byName.已到).toMatchObject({ state: 'arrived', actions: [], arrivedAt: expect.any(String) });
    expect(byName.爽约).toMatchObject({ state: 'missed', actions: [] });
    expect(byName.迟到).toMatchObject({ state: 'late', lateMinutes: 120, arrivedAt: null });
    expect(byName.迟到.actions).toEqual([
      { name: 'arrive', method: 'POST', path: `appointment/${appointments.late}/arrive` },
      { name: 'miss', method: 'POST', path: `appointment/${appointments.late}/miss` },
      { name: 'cancel', method: 'POST', path: `appointment/${appointments.late}/cancel` },
    ]);
    expect(byName.刚开始).toMatchObject({ state: 'waiting', lateMinutes: 0 });
    expect(byName.下午.actions.map((action: any) => action.name)).toEqual(['arrive', 'cancel']);
    expect(body.walkIns).toEqual([
      expect.objectContaining({
        patientId: String(patients.walkIn),
        patientName: '散客',
        visitType: 'first',
        arrivedAt: expect.any(String),
      }),
    ]);
    expect(body.checkIn).toMatchObject({ method: 'POST', path: 'patient/{patient_id}/arrival' });
    // The front desk sees phones masked.
    expect(body.appointments.every((row: any) => /^\d{3}\*{4}\d{4}$/.test(row.tel))).toBe(true);
  });

  it("records an arrival through a row's action, after which the row has arrived", async () => {
    const before = await day(frontDesk.token, { state: 'late' });
    const late = before.body.appointments.find((row: any) => row.patientName === '迟到');
    const arrive = late.actions.find((action: any) => action.name === 'arrive');
    const done = await server.http.post(`${STAFF}/${arrive.path}`, { bearer: frontDesk.token, json: {} });
    expect(done.status, done.text).toBe(200);
    const after = await day(frontDesk.token);
    expect(after.body.summary).toMatchObject({ late: 1, arrived: 2 });
    expect(after.body.appointments.find((row: any) => row.patientName === '迟到').state).toBe('arrived');
  });

  it('pages through the day without skipping or repeating, filters by state and doctor', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 4; page += 1) {
      const response = await day(frontDesk.token, { page, page_size: 2 });
      expect(response.body.total).toBe(7);
      seen.push(...names(response.body.appointments));
    }
    expect(seen).toEqual(['爽约', '已到', '迟到', '顾问的', '刚开始', '下午', '预约后直接到']);
    expect(names((await day(frontDesk.token, { state: 'waiting' })).body.appointments)).toEqual([
      '刚开始',
      '下午',
      '预约后直接到',
    ]);
    const one = await day(frontDesk.token, { doctor_id: doctorOne });
    expect(names(one.body.appointments)).toEqual(['爽约', '已到', '顾问的', '刚开始']);
    expect(one.body.summary.expected).toBe(4);
  });

  it('moves to the previous day, every doctor at once', async () => {
    const yesterday = await day(frontDesk.token, { date: addDays(clinicToday(), -1) });
    expect(yesterday.status).toBe(200);
    expect(names(yesterday.body.appointments)).toEqual(['昨天']);
    expect(yesterday.body.appointments[0]).toMatchObject({ state: 'late' });
    expect(yesterday.body.walkIns).toEqual([]);
    const tomorrow = await day(frontDesk.token, { date: addDays(clinicToday(), 1) });
    expect(tomorrow.body.summary.expected).toBe(0);
  });

  it("shows a consultant only their own patients, without the desk's actions", async () => {
    const response = await day(consultant.token);
    expect(response.status, response.text).toBe(200);
    expect(names(response.body.appointments)).toEqual(['顾问的']);
    expect(response.body.appointments[0]).toMatchObject({ state: 'late', actions: [] });
    expect(response.body.summary).toMatchObject({ expected: 1, walkIns: 0 });
  });

  it('refuses dates that are not dates and roles without appointments:view', async () => {
    for (const date of ['2025-02-30', 'today', '2025-1-1']) {
      expect((await day(frontDesk.token, { date })).status, date).toBe(400);
    }
    const role = await server.database.db
      .insertInto('roles')
      .values({ name: '只看日志', builtin_key: null, created_at: unixNow() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await server.database.db
      .insertInto('role_permissions')
      .values(['logs', 'logs:view'].map((permission_key) => ({ role_id: role.id, permission_key })))
      .execute();
    const logsOnly = await createStaffUser(server, 'desk_logs', '只看日志');
    const denied = await day(logsOnly.token);
    expect(denied.status).toBe(403);
    expect(denied.body.state_code).toBe(48001);
    expect((await server.http.get(`${STAFF}/worklists/front-desk`)).status).toBe(401);
  });
});

describe('LATE_AFTER_MINUTES', () => {
  it('is a whole number of minutes, 15 by default', () => {
    expect(loadConfig({}).lateAfterMinutes).toBe(15);
    expect(loadConfig({ LATE_AFTER_MINUTES: '0' }).lateAfterMinutes).toBe(0);
    for (const value of ['-1', '1.5', 'soon', '601']) {
      expect(() => loadConfig({ LATE_AFTER_MINUTES: value }), value).toThrow('LATE_AFTER_MINUTES');
    }
  });

  it('makes a booked patient late that many minutes after the session start', async () => {
    const strict = await startTestServer({ LATE_AFTER_MINUTES: '1' });
    try {
      const token = await staffLogin(strict.http);
      const response = await strict.http.post(`${STAFF}/patient/`, {
        json: { token, name: '三分钟', add_time: unixNow() - 600, state: 0 },
      });
      const doctor = await strict.database.db
        .insertInto('doctors')
        .values({ name: '严格医生', department_id: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      await strict.database.db
        .insertInto('appointments')
        .values({
          patient_id: Number(response.body.newPatient.id),
          doctor_id: doctor.id,
          session_date: clinicToday(),
          period: 'morning',
          start_time: unixNow() - 3 * MINUTE,
          status: 'booked',
          source: 'staff',
          booked_by: null,
          created_at: unixNow(),
          updated_at: unixNow(),
        })
        .execute();
      const listed = await strict.http.get(`${STAFF}/worklists/front-desk`, { bearer: token });
      expect(listed.body.lateAfterMinutes).toBe(1);
      expect(listed.body.appointments[0]).toMatchObject({ state: 'late', lateMinutes: 3 });
    } finally {
      await strict.close();
    }
  });
});
