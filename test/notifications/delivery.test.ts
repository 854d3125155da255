import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseMs, OutboxRepository } from '../../src/features/notifications/index.js';
import { addSession, book, createDoctor, daysFromToday } from '../appointments/helpers.js';
import { registerAndLoginPatient, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { deliveryWorker, outboxRows } from './support/messages.js';
import { type StandIn, startAliyunStandIn } from './support/sms-stand-ins.js';

/**
 * The delivery worker against a local stand-in for Alibaba Cloud SMS: sent with the provider's
 * answer, retried with backoff on 5xx and on timeouts, failed after NOTIFY_MAX_ATTEMPTS, sent
 * again from the back office; a claim whose worker died is picked up after its lease, with the
 * same idempotency key; and a provider that hangs never slows a booking.
 */
const CREDENTIALS = { accessKeyId: 'LTAI-test-key', accessKeySecret: 'test-secret-value' };
const TIMEOUT_MS = 1000;
let provider: StandIn;
let server: TestServer;
let admin: string;
let doctorId: number;
const dayOffset = 2;

const providerEnv = (standIn: StandIn, extra: Record<string, string> = {}) => ({
  NOTIFY_SMS: 'aliyun',
  ALIYUN_SMS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
  ALIYUN_SMS_ACCESS_KEY_SECRET: CREDENTIALS.accessKeySecret,
  ALIYUN_SMS_ENDPOINT: standIn.url,
  NOTIFY_MAX_ATTEMPTS: '3',
  NOTIFY_RETRY_BASE_MS: '100',
  NOTIFY_SEND_TIMEOUT_MS: String(TIMEOUT_MS),
  ...extra,
});

/** The SMS templates of booking messages get the provider's template code and sign name (as an administrator would). */
async function configureSmsTemplates(target: TestServer, token: string) {
  const templates = await target.http.get(`${STAFF}/notifications/templates`, { bearer: token });
  expect(templates.status, templates.text).toBe(200);
  for (const template of templates.body.templates.filter(
    (candidate: { channel: string; language: string }) => candidate.channel === 'sms' && candidate.language === 'zh-CN',
  )) {
    const saved = await target.http.put(`${STAFF}/notifications/templates/${template.id}`, {
      bearer: token,
      json: { body: template.body, provider_template: `SMS_${template.id}0001`, sign_name: '康源诊所' },
    });
    expect(saved.status, saved.text).toBe(200);
  }
}

async function bookedPatient(target: TestServer, doctor: number) {
  const patient = await registerAndLoginPatient(target.http);
  const booked = await book(target, patient.token, {
    doctor_id: doctor,
    date: daysFromToday(dayOffset),
    period: 'morning',
  });
  expect(booked.status, booked.text).toBe(201);
  return patient;
}

beforeAll(async () => {
  provider = await startAliyunStandIn(CREDENTIALS);
  server = await startTestServer(providerEnv(provider));
  admin = await staffLogin(server.http);
  await configureSmsTemplates(server, admin);
  doctorId = await createDoctor(server, '发送测试医生');
  for (let day = 2; day < 10; day += 1) await addSession(server, admin, doctorId, daysFromToday(day), 'morning', 50);
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

describe('delivery through Alibaba Cloud SMS (a local stand-in)', () => {
  it('sends what the provider documents and keeps its answer', async () => {
    provider.behaviour = 'ok';
    const patient = await bookedPatient(server, doctorId);
    const summary = await deliveryWorker(server).runOnce();
    expect(summary).toMatchObject({ claimed: 1, sent: 1 });
    const [row] = await outboxRows(server, { patientId: patient.patientId });
    const request = provider.requests.at(-1)!;
    expect(request.refused).toBeUndefined();
    expect(request.query).toMatchObject({
      PhoneNumbers: patient.phone,
      SignName: '康源诊所',
      TemplateCode: row!.provider_template!,
      OutId: row!.idempotency_key,
    });
    expect(JSON.parse(request.query.TemplateParam!)).toEqual(JSON.parse(row!.params));
    expect(row).toMatchObject({ status: 'sent', transport: 'aliyun', attempts: 1, last_error: null });
    expect(row!.provider_message_id).toMatch(/^\d+\^0$/);
    expect(JSON.parse(row!.provider_answer!)).toMatchObject({ Code: 'OK' });
  });

  it('retries a 5xx with growing waits, marks it failed after the last attempt, and sends it again on request', async () => {
    provider.behaviour = 'server-error';
    const patient = await bookedPatient(server, doctorId);
    const worker = deliveryWorker(server);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const before = Date.now();
      await worker.runOnce();
      const [row] = await outboxRows(server, { patientId: patient.patientId });
      expect(row!.attempts).toBe(attempt);
      expect(row!.last_error).toContain('ServiceUnavailable');
      if (attempt < 3) {
        expect(row!.status).toBe('pending');
        waits.push(row!.next_attempt_at - before);
        await new Promise((resolve) => setTimeout(resolve, row!.next_attempt_at - Date.now() + 20));
      } else {
        expect(row!.status).toBe('failed');
      }
    }
    // 100 ms, then 200 ms (NOTIFY_RETRY_BASE_MS doubled), each measured from before the pass.
    expect(waits[0]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(200);
    expect(waits[1]! - waits[0]!).toBeGreaterThanOrEqual(50);

    const failed = await server.http.get(`${STAFF}/notifications/messages`, {
      bearer: admin,
      query: { patient_id: patient.patientId, status: 'failed' },
    });
    expect(failed.status, failed.text).toBe(200);
    expect(failed.body.total).toBe(1);
    const message = failed.body.messages[0];
    expect(message).toMatchObject({ status: 'failed', attempts: 3, transport: 'aliyun', recipient: patient.phone });

    provider.behaviour = 'ok';
    const retried = await server.http.post(`${STAFF}/notifications/messages/${message.id}/retry`, { bearer: admin });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.message).toMatchObject({ status: 'pending', attempts: 0 });
    const again = await server.http.post(`${STAFF}/notifications/messages/${message.id}/retry`, { bearer: admin });
    expect(again.status).toBe(409);
    await worker.runOnce();
    const [row] = await outboxRows(server, { patientId: patient.patientId });
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', '=', 'notification.retry')
      .where('target_id', '=', message.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details!)).toMatchObject({ attemptsBefore: 3, event: 'booking_confirmed' });
  });

  it('gives up on a send that does not answer within NOTIFY_SEND_TIMEOUT_MS and retries it later', async () => {
    provider.behaviour = 'hang';
    const patient = await bookedPatient(server, doctorId);
    const started = Date.now();
    await deliveryWorker(server).runOnce();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(took).toBeLessThan(TIMEOUT_MS + 1500);
    const [row] = await outboxRows(server, { patientId: patient.patientId });
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.last_error).toContain(`no answer within ${TIMEOUT_MS} ms`);
    provider.behaviour = 'ok';
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, row!.next_attempt_at - Date.now() + 20)));
    await deliveryWorker(server).runOnce();
    expect((await outboxRows(server, { patientId: patient.patientId }))[0]).toMatchObject({
      status: 'sent',
      attempts: 2,
    });
  });

  it('sends a message again after its worker died mid-send, once the lease runs out, with the same key', {
    timeout: 30_000,
  }, async () => {
    provider.behaviour = 'ok';
    const patient = await bookedPatient(server, doctorId);
    // A worker claims the row and dies before settling it: the claim is all it left.
    const now = Date.now();
    const claimed = await new OutboxRepository(server.database.db, server.database.dialect).claim(
      now,
      now + leaseMs(TIMEOUT_MS),
      'worker-that-died',
      50,
    );
    const mine = claimed.find((row) => row.patient_id === patient.patientId)!;
    expect(mine.status).toBe('sending');
    const before = provider.requests.length;
    expect((await deliveryWorker(server).runOnce()).claimed).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, mine.claimed_until! - Date.now() + 50));
    const summary = await deliveryWorker(server).runOnce();
    expect(summary).toMatchObject({ claimed: 1, sent: 1 });
    const [row] = await outboxRows(server, { patientId: patient.patientId });
    expect(row).toMatchObject({ status: 'sent', attempts: 2, idempotency_key: mine.idempotency_key });
    expect(provider.requests.slice(before).map((request) => request.query.OutId)).toEqual([mine.idempotency_key]);
  });
});

describe('a provider outage and the requests of the clinic', () => {
  it('books at full speed while every send hangs until its timeout', { timeout: 60_000 }, async () => {
    const hanging = await startAliyunStandIn(CREDENTIALS);
    hanging.behaviour = 'hang';
    // This server runs its own worker, as production does, polling often.
    const busy = await startTestServer(
      providerEnv(hanging, { NOTIFY_WORKER: 'on', NOTIFY_POLL_INTERVAL_MS: '20', NOTIFY_SEND_TIMEOUT_MS: '3000' }),
    );
    try {
      const token = await staffLogin(busy.http);
      await configureSmsTemplates(busy, token);
      const doctor = await createDoctor(busy, '故障医生');
      await addSession(busy, token, doctor, daysFromToday(3), 'morning', 100);
      const timings: number[] = [];
      for (let index = 0; index < 12; index += 1) {
        const patient = await registerAndLoginPatient(busy.http, uniquePhone());
        const started = performance.now();
        const booked = await book(busy, patient.token, {
          doctor_id: doctor,
          date: daysFromToday(3),
          period: 'morning',
        });
        timings.push(performance.now() - started);
        expect(booked.status, booked.text).toBe(201);
      }
      // The worker really was stuck on the provider meanwhile.
      expect(hanging.requests.length).toBeGreaterThan(0);
      const slowest = Math.max(...timings);
      console.log(
        `[notifications] 12 bookings while the SMS provider hangs: slowest ${slowest.toFixed(0)} ms, median ${timings.sort((a, b) => a - b)[6]!.toFixed(0)} ms; ${hanging.requests.length} sends hanging`,
      );
      expect(slowest).toBeLessThan(1000);
    } finally {
      await busy.close();
      await hanging.close();
    }
  });
});
