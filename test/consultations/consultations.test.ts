import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { compose } from '../../src/composition.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { createDoctor, daysFromToday } from '../appointments/helpers.js';
import {
  createStaffUser,
  DEFAULT_ROLE,
  registerAndLoginPatient,
  STAFF,
  staffLogin,
  uniquePhone,
} from '../support/fixtures.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';
import { type EventStreamClient, openEventStream } from './event-stream-client.js';

/*
 * 问诊 (issue 19): a patient asks a doctor they booked with; messages of text and images both
 * ways, unread counts, the doctor closes; live delivery reaches the two parties only, also from
 * another instance on the same database; an answer left unread becomes an outbox message.
 */
let server: TestServer;
let admin: string;
let doctorA: number;
let doctorB: number;
let doctorC: number;
let doctorAToken: string;
let doctorBToken: string;
type Patient = { token: string; patientId: number };
let p1: Patient;
let p2: Patient;
let p3: Patient;
const streams: EventStreamClient[] = [];

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf000000030101001825dd560000000049454e44ae426082',
  'hex',
);

async function doctorAccount(doctorId: number, username: string): Promise<string> {
  const role = await server.database.db
    .selectFrom('roles')
    .select('id')
    .where('builtin_key', '=', 'doctor')
    .executeTakeFirstOrThrow();
  const created = await server.http.post(`${STAFF}/staff`, {
    bearer: admin,
    json: { username, display_name: username, password: 'doctor-password-1', role_id: role.id, doctor_id: doctorId },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return staffLogin(server.http, username, 'doctor-password-1');
}

let bookingDay = 2;
/** A booking through the staff API, each on a day of its own: the policy counts any live appointment with the doctor. */
async function bookWith(patientId: number, doctorId: number): Promise<void> {
  const date = daysFromToday(++bookingDay);
  await server.http.post(`${STAFF}/schedule/doctors/${doctorId}/exceptions`, {
    bearer: admin,
    json: { date, period: 'morning', kind: 'extra', capacity: 10 },
  });
  const booked = await server.http.post(`${STAFF}/appointment`, {
    bearer: admin,
    json: { patient_id: patientId, doctor_id: doctorId, date, period: 'morning' },
  });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
}

const open = (patient: Patient, body: unknown) =>
  server.http.post('/patient/consultations', { bearer: patient.token, json: body });
const send = (patient: Patient, id: number, text: unknown) =>
  server.http.post(`/patient/consultations/${id}/messages`, { bearer: patient.token, json: { text } });
const answer = (token: string, id: number, text: string) =>
  server.http.post(`${STAFF}/consultation/${id}/messages`, { bearer: token, json: { text } });
const thread = (patient: Patient, id: number, query: Record<string, number> = {}) =>
  server.http.get(`/patient/consultations/${id}/messages`, { bearer: patient.token, query });
const staffThread = (token: string, id: number) =>
  server.http.get(`${STAFF}/consultation/${id}/messages`, { bearer: token });

async function upload(baseUrl: string, path: string, token: string, bytes: Buffer, type = 'image/png') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), 'photo.png');
  const response = await fetch(new URL(path, baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: response.status, body: await response.json() };
}

async function live(baseUrl: string, path: string, token: string): Promise<EventStreamClient> {
  const stream = await openEventStream(baseUrl, path, token);
  streams.push(stream);
  expect(stream.status).toBe(200);
  expect(stream.contentType).toContain('text/event-stream');
  await stream.next((event) => event.event === 'ready');
  return stream;
}

const messageCount = async () =>
  Number(
    (
      await server.database.db
        .selectFrom('consultation_messages')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  // Answers left unread for 2 s become messages; the scan runs at start and every 15 s.
  server = await startTestServer({ CONSULTATION_NOTICE_AFTER_SECONDS: '2' });
  admin = await staffLogin(server.http);
  doctorA = await createDoctor(server, '问诊甲医生');
  doctorB = await createDoctor(server, '问诊乙医生');
  doctorC = await createDoctor(server, '未开通医生');
  doctorAToken = await doctorAccount(doctorA, 'consult_doc_a');
  doctorBToken = await doctorAccount(doctorB, 'consult_doc_b');
  p1 = await registerAndLoginPatient(server.http, uniquePhone(), '问诊患者一');
  p2 = await registerAndLoginPatient(server.http, uniquePhone(), '问诊患者二');
  p3 = await registerAndLoginPatient(server.http, uniquePhone(), '未预约患者');
  await bookWith(p1.patientId, doctorA);
  await bookWith(p2.patientId, doctorA);
  await bookWith(p2.patientId, doctorC);
}, 60_000);
afterAll(async () => {
  for (const stream of streams) stream.close();
  await server?.close();
});

describe('opening a consultation', () => {
  it('lists only doctors the patient booked with who answer online', async () => {
    const listed = await server.http.get('/patient/consultation-doctors', { bearer: p2.token });
    expect(listed.status).toBe(200);
    expect(listed.body.data.policy).toBe('booked');
    // p2 booked A (has an account) and C (no account): only A answers.
    expect(listed.body.data.doctors.map((doctor: { id: number }) => doctor.id)).toEqual([doctorA]);
    const none = await server.http.get('/patient/consultation-doctors', { bearer: p3.token });
    expect(none.body.data.doctors).toEqual([]);
  });

  it('refuses a doctor not booked (403), one who does not answer online or does not exist (404), writing nothing', async () => {
    const before = await messageCount();
    expect((await open(p3, { doctor_id: doctorA, text: '你好' })).status).toBe(403);
    expect((await open(p1, { doctor_id: doctorB, text: '你好' })).status).toBe(403);
    expect((await open(p2, { doctor_id: doctorC, text: '你好' })).status).toBe(404);
    expect((await open(p1, { doctor_id: 999_999, text: '你好' })).status).toBe(404);
    expect(await messageCount()).toBe(before);
  });

  it('refuses bad input with 400 in the portal envelope, writing nothing', async () => {
    const before = await messageCount();
    for (const body of [
      {},
      { doctor_id: doctorA },
      { doctor_id: doctorA, text: '   ' },
      { doctor_id: doctorA, text: 'x'.repeat(2001) },
      { doctor_id: doctorA, text: 'bell\u0007' },
      { doctor_id: 'A', text: 'hi' },
      { doctor_id: doctorA, text: 12 },
    ]) {
      const response = await open(p1, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ code: 0, data: null });
    }
    const malformed = await server.http.post('/patient/consultations', {
      bearer: p1.token,
      raw: '{"doctor_id": 1, "text": ',
      contentType: 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect((await server.http.post('/patient/consultations', { json: { doctor_id: doctorA, text: 'x' } })).status).toBe(
      401,
    );
    expect(await messageCount()).toBe(before);
  });

  it('opens one consultation per doctor: a second, also when racing, answers 409 with its id', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, index) => open(p2, { doctor_id: doctorA, text: `同时提问 ${index}` })),
    );
    const statuses = results.map((result) => result.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409]);
    const opened = results.find((result) => result.status === 200)!;
    const id = opened.body.data.consultation.id;
    for (const refused of results.filter((result) => result.status === 409))
      expect(refused.body.consultation_id).toBe(id);
    const page = await thread(p2, id);
    expect(page.body.data.messages).toHaveLength(1);
  });
});

describe('messages between the two parties', () => {
  let consultation: number;

  beforeAll(async () => {
    const opened = await open(p1, { doctor_id: doctorA, text: '医生您好，术后第三天还有些肿，正常吗？' });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(opened.body.data.message).toMatchObject({ sender: 'patient', kind: 'text' });
    consultation = opened.body.data.consultation.id;
  });

  it("shows the doctor the patient's question with an unread count; not another doctor, not the administrator", async () => {
    const list = await server.http.get(`${STAFF}/consultation/list`, { bearer: doctorAToken });
    expect(list.status).toBe(200);
    const row = list.body.consultations.find((entry: { id: string }) => entry.id === String(consultation));
    expect(row).toMatchObject({ status: 'open', unread: 1, patient: { name: '问诊患者一' } });
    expect(row.lastMessage).toContain('术后第三天');
    const opened = await staffThread(doctorAToken, consultation);
    expect(opened.status).toBe(200);
    expect(opened.body.messages).toEqual([
      expect.objectContaining({ sender: 'patient', kind: 'text', text: '医生您好，术后第三天还有些肿，正常吗？' }),
    ]);

    const other = await server.http.get(`${STAFF}/consultation/list`, { bearer: doctorBToken });
    expect(other.body.consultations).toEqual([]);
    // The administrator holds the permission but is no doctor.
    expect((await server.http.get(`${STAFF}/consultation/list`, { bearer: admin })).status).toBe(409);
    const consultant = await createStaffUser(server, 'consult_consultant', DEFAULT_ROLE.consultant);
    expect((await server.http.get(`${STAFF}/consultation/list`, { bearer: consultant.token })).status).toBe(403);
  });

  it("answers another party's consultation exactly like a missing one", async () => {
    const strangerDoctor = await staffThread(doctorBToken, consultation);
    const missingForDoctor = await staffThread(doctorBToken, 999_999);
    expect(strangerDoctor.status).toBe(404);
    expect(strangerDoctor.text).toBe(missingForDoctor.text);
    const strangerPatient = await thread(p2, consultation);
    const missingForPatient = await thread(p2, 999_999);
    expect(strangerPatient.status).toBe(404);
    expect(strangerPatient.text).toBe(missingForPatient.text);
    expect((await send(p2, consultation, '我不是本人')).status).toBe(404);
    expect((await answer(doctorBToken, consultation, '我不是主治')).status).toBe(404);
  });

  it('delivers live to the two parties only: a third patient and another doctor get nothing', async () => {
    const doctorStream = await live(server.baseUrl, `${STAFF}/consultation/events`, doctorAToken);
    const patientStream = await live(server.baseUrl, '/patient/consultation-events', p1.token);
    const thirdPatient = await live(server.baseUrl, '/patient/consultation-events', p2.token);
    const otherDoctor = await live(server.baseUrl, `${STAFF}/consultation/events`, doctorBToken);

    const asked = await send(p1, consultation, '还有一点发热');
    expect(asked.status).toBe(200);
    const atDoctor = await doctorStream.next((event) => event.data.message?.text === '还有一点发热');
    expect(atDoctor.data.consultation).toMatchObject({ id: String(consultation), unread: 2 });
    await patientStream.next((event) => event.data.message?.text === '还有一点发热');

    const answered = await answer(doctorAToken, consultation, '轻度肿胀属正常，体温超过38.5℃请来院');
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const atPatient = await patientStream.next((event) => event.data.message?.sender === 'doctor');
    expect(atPatient.data.message.text).toContain('38.5');
    expect(atPatient.data.consultation).toMatchObject({ id: consultation, unread: 1 });

    // A later message of the third patient's own reaches them: by then, anything of p1's would have too.
    const [p2Consultation] = (await server.http.get('/patient/consultations', { bearer: p2.token })).body.data
      .consultations;
    await send(p2, p2Consultation.id, '我自己的问题');
    await thirdPatient.next((event) => event.data.message?.text === '我自己的问题');
    await doctorStream.next((event) => event.data.message?.text === '我自己的问题');
    expect(
      thirdPatient.events.filter((event) => event.event === 'message').map((event) => event.data.message.text),
    ).toEqual(['我自己的问题']);
    expect(otherDoctor.events.filter((event) => event.event === 'message')).toEqual([]);
    // Polling sees the same thread, in order.
    const page = await thread(p1, consultation);
    expect(page.body.data.messages.map((message: { sender: string }) => message.sender)).toEqual([
      'patient',
      'patient',
      'doctor',
    ]);
    const after = await thread(p1, consultation, { after: page.body.data.messages[1].id });
    expect(after.body.data.messages).toHaveLength(1);
  });

  it('delivers every one of many messages sent at once (ids commit out of order on PostgreSQL)', async () => {
    const doctorStream = await live(server.baseUrl, `${STAFF}/consultation/events`, doctorAToken);
    const texts = Array.from({ length: 40 }, (_, index) => `并发消息 ${index}`);
    const sent = await Promise.all(texts.map((text) => send(p1, consultation, text)));
    expect(sent.map((response) => response.status)).toEqual(texts.map(() => 200));
    await expect
      .poll(
        () =>
          new Set(
            doctorStream.events
              .filter((event) => event.event === 'message' && texts.includes(event.data.message.text))
              .map((event) => event.data.message.text),
          ).size,
        { timeout: 15_000 },
      )
      .toBe(texts.length);
  });

  it('keeps unread counts per side, and reading brings one side to zero', async () => {
    const mine = await server.http.get('/patient/consultations', { bearer: p1.token });
    expect(mine.body.data.unread).toBe(1);
    const read = await server.http.post(`/patient/consultations/${consultation}/read`, { bearer: p1.token });
    expect(read.body.data.consultation.unread).toBe(0);
    expect((await server.http.get('/patient/consultations', { bearer: p1.token })).body.data.unread).toBe(0);
    const doctorList = await server.http.get(`${STAFF}/consultation/list`, { bearer: doctorAToken });
    expect(doctorList.body.unread).toBeGreaterThanOrEqual(2);
    await server.http.post(`${STAFF}/consultation/${consultation}/read`, { bearer: doctorAToken, json: {} });
    const afterRead = await server.http.get(`${STAFF}/consultation/list`, { bearer: doctorAToken });
    const row = afterRead.body.consultations.find((entry: { id: string }) => entry.id === String(consultation));
    expect(row.unread).toBe(0);
  });

  it('sends images both ways, served only to the two parties, private and never cached', async () => {
    const sent = await upload(server.baseUrl, `/patient/consultations/${consultation}/images`, p1.token, PNG);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const url = sent.body.data.message.image_url as string;
    expect(sent.body.data.message.kind).toBe('image');
    const mine = await fetch(new URL(url, server.baseUrl), { headers: { authorization: `Bearer ${p1.token}` } });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('image/png');
    expect(mine.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await mine.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await server.http.get(url, { bearer: p2.token })).status).toBe(404);

    const imageId = sent.body.data.message.id;
    expect((await server.http.get(`${STAFF}/consultation/image/${imageId}`, { bearer: doctorAToken })).status).toBe(
      200,
    );
    expect((await server.http.get(`${STAFF}/consultation/image/${imageId}`, { bearer: doctorBToken })).status).toBe(
      404,
    );

    const fromDoctor = await upload(server.baseUrl, `${STAFF}/consultation/${consultation}/images`, doctorAToken, PNG);
    expect(fromDoctor.status, JSON.stringify(fromDoctor.body)).toBe(200);
    expect(fromDoctor.body.message).toMatchObject({ sender: 'doctor', kind: 'image' });

    const before = await messageCount();
    const text = await upload(
      server.baseUrl,
      `/patient/consultations/${consultation}/images`,
      p1.token,
      Buffer.from('<svg onload=alert(1)>'),
      'image/svg+xml',
    );
    expect(text.status).toBe(400);
    const pdf = await upload(
      server.baseUrl,
      `/patient/consultations/${consultation}/images`,
      p1.token,
      Buffer.from('%PDF-1.4 x'),
      'application/pdf',
    );
    expect(pdf.status).toBe(400);
    const stranger = await upload(server.baseUrl, `/patient/consultations/${consultation}/images`, p2.token, PNG);
    expect(stranger.status).toBe(404);
    expect(await messageCount()).toBe(before);
  });

  it('the doctor closes it: both sides see it closed, nobody writes again, the history stays readable', async () => {
    const patientStream = await live(server.baseUrl, '/patient/consultation-events', p1.token);
    const closed = await server.http.post(`${STAFF}/consultation/${consultation}/close`, {
      bearer: doctorAToken,
      json: {},
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.message).toMatchObject({ sender: 'system', kind: 'closed' });
    const seen = await patientStream.next((event) => event.data.message?.kind === 'closed');
    expect(seen.data.consultation.status).toBe('closed');

    expect((await send(p1, consultation, '还在吗')).status).toBe(409);
    expect((await answer(doctorAToken, consultation, '补充')).status).toBe(409);
    expect(
      (await server.http.post(`${STAFF}/consultation/${consultation}/close`, { bearer: doctorAToken, json: {} }))
        .status,
    ).toBe(409);
    const history = await thread(p1, consultation);
    expect(history.status).toBe(200);
    expect(history.body.data.consultation.status).toBe('closed');
    expect(history.body.data.messages.at(-1)).toMatchObject({ sender: 'system', kind: 'closed' });
    // A new question to the same doctor opens a new consultation.
    expect((await open(p1, { doctor_id: doctorA, text: '新的问题' })).status).toBe(200);

    const audited = await server.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', String(p1.patientId))
      .where('action', 'like', 'consultation.%')
      .execute();
    expect(new Set(audited.map((row) => row.action))).toEqual(
      new Set(['consultation.open', 'consultation.read', 'consultation.image_read', 'consultation.close']),
    );
  });
});

describe('live streams', () => {
  it('refuses a sixth stream of one patient with 429 in the portal envelope, and accepts one again after a close', async () => {
    const five = await Promise.all(
      Array.from({ length: 5 }, () => live(server.baseUrl, '/patient/consultation-events', p3.token)),
    );
    const sixth = await openEventStream(server.baseUrl, '/patient/consultation-events', p3.token);
    expect(sixth.status).toBe(429);
    await sixth.ended;
    five[0]!.close();
    await expect
      .poll(async () => {
        const again = await openEventStream(server.baseUrl, '/patient/consultation-events', p3.token);
        streams.push(again);
        return again.status;
      })
      .toBe(200);
    const noToken = await fetch(new URL('/patient/consultation-events', server.baseUrl));
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ code: 0, data: null });
  });
});

describe('an answer left unread', () => {
  it('becomes one outbox message to the patient; an answer read in time becomes none', async () => {
    const unread = await registerAndLoginPatient(server.http, uniquePhone(), '未读患者');
    const reader = await registerAndLoginPatient(server.http, uniquePhone(), '已读患者');
    await bookWith(unread.patientId, doctorB);
    await bookWith(reader.patientId, doctorB);
    const first = (await open(unread, { doctor_id: doctorB, text: '请问' })).body.data.consultation.id;
    const second = (await open(reader, { doctor_id: doctorB, text: '请问' })).body.data.consultation.id;
    expect((await answer(doctorBToken, first, '答复一')).status).toBe(200);
    expect((await answer(doctorBToken, first, '答复二')).status).toBe(200);
    expect((await answer(doctorBToken, second, '答复')).status).toBe(200);
    await server.http.post(`/patient/consultations/${second}/read`, { bearer: reader.token });

    const noticesOf = (patientId: number) =>
      server.database.db
        .selectFrom('notification_outbox')
        .select(['event', 'channel', 'body'])
        .where('patient_id', '=', patientId)
        .where('event', '=', 'consultation_reply')
        .execute();
    await expect
      .poll(async () => (await noticesOf(unread.patientId)).length, { timeout: 40_000, interval: 500 })
      .toBe(1);
    const [notice] = await noticesOf(unread.patientId);
    expect(notice).toMatchObject({ channel: 'sms' });
    expect(notice!.body).toContain('问诊乙医生');
    expect(await noticesOf(reader.patientId)).toEqual([]);
  }, 60_000);
});

describe('a second instance on the same database', () => {
  let second: { app: FastifyInstance; database: DatabaseHandle; baseUrl: string };

  beforeAll(async () => {
    const database = openDatabase(server.config.databaseUrl);
    const app = await buildApp({ config: server.config, database, jwtSecret: TEST_JWT_SECRET, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    second = { app, database, baseUrl: `http://127.0.0.1:${address.port}` };
  });

  it("delivers a message stored through one instance to the doctor's stream on the other", async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '跨实例患者');
    await bookWith(patient.patientId, doctorB);
    const doctorStream = await live(second.baseUrl, `${STAFF}/consultation/events`, doctorBToken);
    const opened = await open(patient, { doctor_id: doctorB, text: '从第一个实例提问' });
    expect(opened.status).toBe(200);
    const delivered = await doctorStream.next((event) => event.data.message?.text === '从第一个实例提问');
    expect(delivered.data.consultation.patient.name).toBe('跨实例患者');

    const patientStream = await live(server.baseUrl, '/patient/consultation-events', patient.token);
    const answered = await new HttpClient(second.baseUrl).post(
      `${STAFF}/consultation/${opened.body.data.consultation.id}/messages`,
      { bearer: doctorBToken, json: { text: '从第二个实例回答' } },
    );
    expect(answered.status).toBe(200);
    await patientStream.next((event) => event.data.message?.text === '从第二个实例回答');
  });

  it('ends its open streams when it closes, so a graceful shutdown does not wait on them', async () => {
    const stream = await live(second.baseUrl, '/patient/consultation-events', p1.token);
    await second.app.close();
    await second.database.close();
    await stream.ended;
    expect(stream.events.map((event) => event.event)).toEqual(['ready']);
  });
});

describe('purging the patient', () => {
  it('removes the consultations and messages, and housekeeping deletes the image files', async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '将被清除的问诊患者');
    await bookWith(patient.patientId, doctorB);
    const opened = await open(patient, { doctor_id: doctorB, text: '附一张照片' });
    const id = opened.body.data.consultation.id as number;
    const sent = await upload(server.baseUrl, `/patient/consultations/${id}/images`, patient.token, PNG);
    expect(sent.status).toBe(200);
    const folder = path.join(server.config.dataDir, 'private', 'consultations');
    const filesBefore = await readdir(folder);

    expect((await server.http.delete(`${STAFF}/patient/${patient.patientId}`, { bearer: admin })).status).toBe(200);
    const purged = await server.http.delete(`${STAFF}/patient/${patient.patientId}/purge`, { bearer: admin });
    expect(purged.status, purged.text).toBe(200);
    const db = server.database.db;
    expect(await db.selectFrom('consultations').select('id').where('id', '=', id).execute()).toEqual([]);
    expect(
      await db.selectFrom('consultation_messages').select('id').where('consultation_id', '=', id).execute(),
    ).toEqual([]);
    const composition = compose(server.config, server.database, TEST_JWT_SECRET, server.app.log);
    expect(await composition.staff.consultations.service.sweepOrphanedImages()).toBe(1);
    expect((await readdir(folder)).length).toBe(filesBefore.length - 1);
    expect(
      await db
        .selectFrom('consultation_image_files')
        .select('file_name')
        .where('consultation_id', 'is', null)
        .execute(),
    ).toEqual([]);
  });
});

describe('CONSULTATION_POLICY=any', () => {
  it('lets a patient ask any doctor who answers online, booked or not; never one without an account', async () => {
    const open = await startTestServer({ CONSULTATION_POLICY: 'any' });
    try {
      const adminToken = await staffLogin(open.http);
      const answering = await createDoctor(open, '任意问诊医生');
      const silent = await createDoctor(open, '无账号医生');
      const role = await open.database.db
        .selectFrom('roles')
        .select('id')
        .where('builtin_key', '=', 'doctor')
        .executeTakeFirstOrThrow();
      const account = await open.http.post(`${STAFF}/staff`, {
        bearer: adminToken,
        json: {
          username: 'any_doc',
          display_name: 'd',
          password: 'doctor-password-1',
          role_id: role.id,
          doctor_id: answering,
        },
      });
      expect(account.status, account.text).toBe(201);
      const patient = await registerAndLoginPatient(open.http, uniquePhone(), '未预约也可问');
      const listed = await open.http.get('/patient/consultation-doctors', { bearer: patient.token });
      expect(listed.body.data.policy).toBe('any');
      expect(listed.body.data.doctors.map((doctor: { id: number }) => doctor.id)).toEqual([answering]);
      const asked = await open.http.post('/patient/consultations', {
        bearer: patient.token,
        json: { doctor_id: answering, text: '没有预约，可以先问问吗？' },
      });
      expect(asked.status, asked.text).toBe(200);
      const refused = await open.http.post('/patient/consultations', {
        bearer: patient.token,
        json: { doctor_id: silent, text: '你好' },
      });
      expect(refused.status).toBe(404);
    } finally {
      await open.close();
    }
  });
});
