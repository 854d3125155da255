import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession, book, createDoctor, daysFromToday } from '../appointments/helpers.js';
import { registerAndLoginPatient, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { deliveryWorker, outboxRows } from './support/messages.js';
import { type StandIn, startAliyunStandIn } from './support/sms-stand-ins.js';

/**
 * docs/messages.md: "fix the template code, sign name or credentials, then retry them from the
 * log". A message refused because its template had no code keeps failing if the retry resends the
 * code it was queued with; the retry takes the template's code and sign name as they are now.
 */
const CREDENTIALS = { accessKeyId: 'LTAI-retry-key', accessKeySecret: 'retry-secret-value' };
let provider: StandIn;
let server: TestServer;
let admin: string;

beforeAll(async () => {
  provider = await startAliyunStandIn(CREDENTIALS);
  server = await startTestServer({
    NOTIFY_SMS: 'aliyun',
    ALIYUN_SMS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    ALIYUN_SMS_ACCESS_KEY_SECRET: CREDENTIALS.accessKeySecret,
    ALIYUN_SMS_ENDPOINT: provider.url,
  });
  admin = await staffLogin(server.http);
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

describe('retrying a message after fixing its template', () => {
  it('sends with the template code and sign name set after it failed', async () => {
    const doctorId = await createDoctor(server, '重发测试医生');
    await addSession(server, admin, doctorId, daysFromToday(2), 'morning', 5);
    const patient = await registerAndLoginPatient(server.http);
    const booked = await book(server, patient.token, {
      doctor_id: doctorId,
      date: daysFromToday(2),
      period: 'morning',
    });
    expect(booked.status, booked.text).toBe(201);

    // The clinic has not entered the approved template code yet: refused for good at once.
    await deliveryWorker(server).runOnce();
    const [failed] = await outboxRows(server, { patientId: patient.patientId, event: 'booking_confirmed' });
    expect(failed).toMatchObject({ status: 'failed', provider_template: null });
    expect(failed!.last_error).toContain('TemplateCode');
    expect(provider.requests).toHaveLength(0);

    const templates = await server.http.get(`${STAFF}/notifications/templates`, { bearer: admin });
    const template = templates.body.templates.find(
      (row: { event: string; language: string; channel: string }) =>
        row.event === 'booking_confirmed' && row.language === failed!.language && row.channel === 'sms',
    );
    const fixed = await server.http.put(`${STAFF}/notifications/templates/${template.id}`, {
      bearer: admin,
      json: { body: template.body, provider_template: 'SMS_88880001', sign_name: '康源诊所' },
    });
    expect(fixed.status, fixed.text).toBe(200);

    const retried = await server.http.post(`${STAFF}/notifications/messages/${failed!.id}/retry`, { bearer: admin });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.message).toMatchObject({ providerTemplate: 'SMS_88880001', signName: '康源诊所' });
    await deliveryWorker(server).runOnce();
    const [sent] = await outboxRows(server, { patientId: patient.patientId, event: 'booking_confirmed' });
    expect(sent).toMatchObject({ status: 'sent', provider_template: 'SMS_88880001', sign_name: '康源诊所' });
    const request = provider.requests.at(-1)!;
    expect(request.refused).toBeUndefined();
    expect(`${JSON.stringify(request.query)} ${request.body}`).toContain('SMS_88880001');
  });

  it('refuses to resend a failed verification code: its code is blanked and expired, the patient asks anew', async () => {
    const phone = `139${String(Date.now()).slice(-8)}`;
    const requested = await server.http.post('/patient/verification-codes', {
      json: { phone, purpose: 'register' },
    });
    expect(requested.status, requested.text).toBe(200);
    await deliveryWorker(server).runOnce();
    const [failed] = await outboxRows(server, { event: 'verification_code', recipient: phone });
    expect(failed).toMatchObject({ status: 'failed' });

    const retried = await server.http.post(`${STAFF}/notifications/messages/${failed!.id}/retry`, { bearer: admin });
    expect(retried.status, retried.text).toBe(409);
    expect(retried.body.msg).toContain('重新获取验证码');
    const [after] = await outboxRows(server, { event: 'verification_code', recipient: phone });
    expect(after).toMatchObject({ status: 'failed', attempts: failed!.attempts });
  });
});
