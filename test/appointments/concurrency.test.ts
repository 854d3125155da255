import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLoginPatient, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { addSession, book, createDoctor, daysFromToday } from './helpers.js';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
});
afterAll(async () => server?.close());

const PATIENTS = 40;
const CAPACITY = 5;

describe('no overbooking under concurrency', () => {
  it(`${PATIENTS} simultaneous bookings for ${CAPACITY} places: exactly ${CAPACITY} succeed, the rest get a clear 409`, async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(8);
    await addSession(server, admin, doctorId, date, 'morning', CAPACITY);
    const patients = [];
    for (let index = 0; index < PATIENTS; index += 1) patients.push(await registerAndLoginPatient(server.http));

    const responses = await Promise.all(
      patients.map((patient) => book(server, patient.token, { doctor_id: doctorId, date, period: 'morning' })),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status === 201)).toHaveLength(CAPACITY);
    const refused = responses.filter((response) => response.status !== 201);
    expect(refused).toHaveLength(PATIENTS - CAPACITY);
    for (const response of refused) {
      expect(response.status).toBe(409);
      expect(response.body).toEqual({ code: 0, msg: '该时段号源已满，请选择其他时段', data: null });
    }

    const counter = await server.database.db
      .selectFrom('session_counters')
      .select('booked')
      .where('doctor_id', '=', doctorId)
      .where('session_date', '=', date)
      .executeTakeFirstOrThrow();
    expect(counter.booked).toBe(CAPACITY);
    const live = await server.database.db
      .selectFrom('appointments')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('doctor_id', '=', doctorId)
      .where('session_date', '=', date)
      .where('status', '=', 'booked')
      .executeTakeFirstOrThrow();
    expect(Number(live.count)).toBe(CAPACITY);
    const sessions = await server.http.get(`/patient/doctors/${doctorId}/sessions`, {
      query: { from: date, to: date },
    });
    expect(sessions.body.data.sessions[0]).toMatchObject({
      capacity: CAPACITY,
      booked: CAPACITY,
      remaining: 0,
      bookable: false,
    });
  });

  it('one patient firing the same booking 10 times at once gets exactly one', async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(9);
    await addSession(server, admin, doctorId, date, 'afternoon', 10);
    const patient = await registerAndLoginPatient(server.http);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => book(server, patient.token, { doctor_id: doctorId, date, period: 'afternoon' })),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(responses.filter((response) => response.status === 409)).toHaveLength(9);
    const counter = await server.database.db
      .selectFrom('session_counters')
      .select('booked')
      .where('doctor_id', '=', doctorId)
      .executeTakeFirstOrThrow();
    expect(counter.booked).toBe(1);
  });
});
