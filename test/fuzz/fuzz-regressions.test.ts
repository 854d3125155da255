import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDoctor } from '../appointments/helpers.js';
import { STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** What the fuzzer found, pinned as plain cases so they stay fixed whatever the seed. */
let server: TestServer;
let admin: string;
let doctorId: number;
beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  doctorId = await createDoctor(server);
});
afterAll(async () => server?.close());

describe('found by fuzzing', () => {
  it('answers 400 for session dates past the calendar (9999-12-31 was a 500)', async () => {
    const day = await server.http.get(`${STAFF}/appointment/day`, {
      bearer: admin,
      query: { doctor_id: doctorId, date: '9999-12-31' },
    });
    expect(day.status, day.text).toBe(400);
    expect(day.body.state_code).toBe(40001);
    const range = await server.http.get(`${STAFF}/schedule/doctors/${doctorId}`, {
      bearer: admin,
      query: { from: '9999-12-30', to: '9999-12-31' },
    });
    expect(range.status, range.text).toBe(400);
    const portal = await server.http.get(`/patient/doctors/${doctorId}/sessions`, {
      query: { from: '9999-12-30', to: '9999-12-31' },
    });
    expect(portal.status, portal.text).toBe(400);
    expect(portal.body).toMatchObject({ code: 0, data: null });
  });

  it('keeps the envelope for a path parameter over the router limit (was a bare 414)', async () => {
    const staff = await server.http.get(`${STAFF}/patient/${'9'.repeat(250)}`, { bearer: admin });
    expect(staff.status).toBe(400);
    expect(staff.body.state_code).toBe(40001);
    const portal = await server.http.get(`/patient/appointments/${'9'.repeat(250)}`);
    expect(portal.status).toBe(400);
    expect(portal.body).toMatchObject({ code: 0, data: null });
  });

  it('authenticates before judging the body (a JSON scalar without a token was a 400)', async () => {
    const staff = await server.http.post(`${STAFF}/patient/`, { json: 'just a string' });
    expect(staff.status).toBe(401);
    expect(staff.body.state_code).toBe(41001);
    const portal = await server.http.put('/patient/password', { json: [1, 2] });
    expect(portal.status).toBe(401);
  });
});
