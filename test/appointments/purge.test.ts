import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatientBody, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { addSession, clinicToday, createDoctor, daysFromToday, moveSession } from './helpers.js';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
});
afterAll(async () => server?.close());

async function poolPatient(): Promise<number> {
  const response = await server.http.post(`${STAFF}/patient`, {
    bearer: admin,
    json: createPatientBody({ tel: uniquePhone(), name: '待清除患者' }),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return Number(response.body.newPatient.id);
}

async function bookFor(patientId: number, doctorId: number, date: string) {
  const response = await server.http.post(`${STAFF}/appointment`, {
    bearer: admin,
    json: { patient_id: patientId, doctor_id: doctorId, date, period: 'morning' },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return Number(response.body.appointment.id);
}

const remainingOn = async (doctorId: number, date: string) =>
  (await server.http.get(`${STAFF}/appointment/day`, { query: { token: admin, doctor_id: doctorId, date } })).body
    .sessions[0]?.remaining;

describe('purging a patient who has appointments', () => {
  it('deletes them with the record and gives the places still held back to their sessions', async () => {
    const doctorId = await createDoctor(server);
    const future = daysFromToday(3);
    await addSession(server, admin, doctorId, future, 'morning', 2);
    await addSession(server, admin, doctorId, daysFromToday(4), 'morning', 2);
    const patientId = await poolPatient();
    const other = await poolPatient();

    // One arrived appointment (it points at its visit) and one still ahead.
    const arrivedId = await bookFor(patientId, doctorId, daysFromToday(4));
    await moveSession(server, arrivedId, clinicToday());
    expect(
      (await server.http.post(`${STAFF}/appointment/${arrivedId}/arrive`, { bearer: admin, json: { spend_fen: 5000 } }))
        .status,
    ).toBe(200);
    await bookFor(patientId, doctorId, future);
    await bookFor(other, doctorId, future);
    expect(await remainingOn(doctorId, future)).toBe(0);

    expect((await server.http.delete(`${STAFF}/patient/${patientId}`, { bearer: admin })).status).toBe(200);
    const purged = await server.http.delete(`${STAFF}/patient/${patientId}/purge`, { bearer: admin });
    expect(purged.status, JSON.stringify(purged.body)).toBe(200);
    expect(purged.body.purgedPatient).toMatchObject({
      id: String(patientId),
      visitsDeleted: 1,
      appointmentsDeleted: 2,
      placesReleased: 1,
    });

    expect(await remainingOn(doctorId, future)).toBe(1);
    const left = await server.database.db
      .selectFrom('appointments')
      .select('patient_id')
      .where('doctor_id', '=', doctorId)
      .execute();
    expect(left).toEqual([{ patient_id: other }]);
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'patient.purge')
      .where('target_id', '=', String(patientId))
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(String(audit[0]!.details))).toMatchObject({ appointmentsDeleted: 2, placesReleased: 1 });
    // The freed place can be booked again.
    await bookFor(await poolPatient(), doctorId, future);
    expect(await remainingOn(doctorId, future)).toBe(0);
  });
});
