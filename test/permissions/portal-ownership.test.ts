import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_PREFIX } from '../../src/http/envelopes.js';
import { addSession, book, createDoctor, daysFromToday } from '../appointments/helpers.js';
import { registerAndLoginPatient, STAFF, staffLogin, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { familyOfRoute } from './expected-outcome.js';

/**
 * Every portal route that takes an id, called by another patient with the owner's id: the
 * answer must be the 404 a nonexistent id gets, byte for byte, so ids reveal nothing. The
 * routes come from the route table; an id route this file does not know fails the test.
 */
let server: TestServer;
let owner: Awaited<ReturnType<typeof registerAndLoginPatient>>;
let intruder: Awaited<ReturnType<typeof registerAndLoginPatient>>;
let ownerAppointmentId: number;
let ownerAttachmentId: number;
let ownerConsultationId: number;
let ownerImageId: number;

/** Which of the owner's resources each patient-only id route names. */
const OWNED_ID_OF: Record<string, () => number> = {
  [`GET ${PORTAL_PREFIX}/appointments/:id`]: () => ownerAppointmentId,
  [`POST ${PORTAL_PREFIX}/appointments/:id/cancel`]: () => ownerAppointmentId,
  // The original client's registration is a CarePool appointment (issue 19).
  [`DELETE ${PORTAL_PREFIX}/registration/:id`]: () => ownerAppointmentId,
  [`GET ${PORTAL_PREFIX}/visit-note-attachments/:id`]: () => ownerAttachmentId,
  // 问诊: the owner's consultation with their doctor, and an image in it.
  [`GET ${PORTAL_PREFIX}/consultations/:id/messages`]: () => ownerConsultationId,
  [`POST ${PORTAL_PREFIX}/consultations/:id/messages`]: () => ownerConsultationId,
  [`POST ${PORTAL_PREFIX}/consultations/:id/read`]: () => ownerConsultationId,
  [`POST ${PORTAL_PREFIX}/consultations/:id/images`]: () => ownerConsultationId,
  [`GET ${PORTAL_PREFIX}/consultation-images/:id`]: () => ownerImageId,
};
/** Bodies that pass validation, so that only ownership can refuse the call. */
const VALID_BODY_OF: Record<string, unknown> = {
  [`POST ${PORTAL_PREFIX}/consultations/:id/messages`]: { text: '不是我的问诊' },
};
const NONEXISTENT_ID = 987654321;
const PNG_BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]);

beforeAll(async () => {
  server = await startTestServer();
  owner = await registerAndLoginPatient(server.http);
  intruder = await registerAndLoginPatient(server.http);
  const doctorId = await createDoctor(server);
  await addSession(server, await staffLogin(server.http), doctorId, daysFromToday(5), 'morning', 3);
  const booked = await book(server, owner.token, { doctor_id: doctorId, date: daysFromToday(5), period: 'morning' });
  expect(booked.status, booked.text).toBe(201);
  ownerAppointmentId = booked.body.data.id as number;
  ownerAttachmentId = await releasedAttachmentOf(owner.patientId);
  ({ consultationId: ownerConsultationId, imageId: ownerImageId } = await consultationOf(doctorId));
});

/** The owner asks their doctor (linked to a staff account) and sends an image. */
async function consultationOf(doctorId: number): Promise<{ consultationId: number; imageId: number }> {
  const admin = await staffLogin(server.http);
  const role = await server.database.db
    .selectFrom('roles')
    .select('id')
    .where('builtin_key', '=', 'doctor')
    .executeTakeFirstOrThrow();
  const account = await server.http.post(`${STAFF}/staff`, {
    bearer: admin,
    json: {
      username: 'ownership_doc',
      display_name: 'd',
      password: 'doctor-password-1',
      role_id: role.id,
      doctor_id: doctorId,
    },
  });
  expect(account.status, account.text).toBe(201);
  const opened = await server.http.post(`${PORTAL_PREFIX}/consultations`, {
    bearer: owner.token,
    json: { doctor_id: doctorId, text: '请问' },
  });
  expect(opened.status, opened.text).toBe(200);
  const consultationId = opened.body.data.consultation.id as number;
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(PNG_BYTES)], { type: 'image/png' }), 'a.png');
  const sent = await fetch(new URL(`${PORTAL_PREFIX}/consultations/${consultationId}/images`, server.baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${owner.token}` },
    body: form,
  });
  const body = await sent.json();
  expect(sent.status, JSON.stringify(body)).toBe(200);
  return { consultationId, imageId: body.data.message.id as number };
}

/** A file on a visit note of the patient, released to them (so only ownership can refuse it). */
async function releasedAttachmentOf(patientId: number): Promise<number> {
  const admin = await staffLogin(server.http);
  const arrival = await server.http.post(`${STAFF}/patient/${patientId}/arrival`, {
    bearer: admin,
    json: { reach_time: unixNow() },
  });
  expect(arrival.status, arrival.text).toBe(201);
  const visitId = arrival.body.visit.id as string;
  const note = await server.http.post(`${STAFF}/visit/${visitId}/notes`, { bearer: admin, json: { advice: '复查' } });
  expect(note.status, note.text).toBe(201);
  const notePath = `${STAFF}/visit/${visitId}/notes/${note.body.note.id}`;
  const boundary = '----ownership';
  const png = PNG_BYTES;
  const uploaded = await server.http.post(`${notePath}/attachments`, {
    bearer: admin,
    contentType: `multipart/form-data; boundary=${boundary}`,
    raw: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  expect(uploaded.status, uploaded.text).toBe(201);
  expect((await server.http.post(`${notePath}/release`, { bearer: admin, json: {} })).status).toBe(200);
  return Number(uploaded.body.attachment.id);
}
afterAll(async () => server?.close());

describe("another patient's ids answer like nonexistent ones", () => {
  it('covers every patient-only portal route with a path parameter', async () => {
    const idRoutes = server.app
      .routeTable()
      .filter(
        (route) => familyOfRoute(route.url) === 'portal' && route.access === 'patient' && route.url.includes('/:'),
      );
    expect(idRoutes.length).toBeGreaterThan(0);
    for (const route of idRoutes) {
      const key = `${route.method} ${route.url}`;
      const ownedId = OWNED_ID_OF[key];
      expect(ownedId, `${key} takes an id: add it to OWNED_ID_OF with the resource it names`).toBeDefined();
      const path = (id: number) => route.url.replace(':id', String(id));
      const options = { bearer: intruder.token, json: VALID_BODY_OF[key] };
      const foreign = await server.http.request(route.method, path(ownedId!()), options);
      const missing = await server.http.request(route.method, path(NONEXISTENT_ID), options);
      expect(foreign.status, `${key}: ${foreign.text}`).toBe(404);
      expect(foreign.text, key).toBe(missing.text);
    }
  });

  it("leaves the owner's appointment untouched after the other patient's attempts", async () => {
    const own = await server.http.get(`${PORTAL_PREFIX}/appointments/${ownerAppointmentId}`, { bearer: owner.token });
    expect(own.status, own.text).toBe(200);
    expect(own.body.data.status).toBe('booked');
    const file = await server.http.get(`${PORTAL_PREFIX}/visit-note-attachments/${ownerAttachmentId}`, {
      bearer: owner.token,
    });
    expect(file.status, file.text).toBe(200);
    const consultation = await server.http.get(`${PORTAL_PREFIX}/consultations/${ownerConsultationId}/messages`, {
      bearer: owner.token,
    });
    expect(consultation.body.data.messages.map((message: { kind: string }) => message.kind)).toEqual(['text', 'image']);
  });
});
