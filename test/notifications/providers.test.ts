import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession, book, createDoctor, daysFromToday } from '../appointments/helpers.js';
import { registerAndLoginPatient, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { deliveryWorker, outboxRows } from './support/messages.js';
import { type StandIn, startTencentStandIn } from './support/sms-stand-ins.js';
import {
  type SmtpStandIn,
  startSmtpServer,
  startWeChatStandIn,
  type WeChatStandIn,
} from './support/wechat-smtp-stand-ins.js';

/**
 * Tencent Cloud SMS (its SDK, against a stand-in that checks the TC3-HMAC-SHA256 signature), email
 * through a real SMTP server, and WeChat: the OAuth link in the portal, then template messages.
 */
const TENCENT = { secretId: 'AKID-test-secret-id', secretKey: 'tencent-secret-key', sdkAppId: '1400123456' };
let tencent: StandIn;
let smtp: SmtpStandIn;
let wechat: WeChatStandIn;
let server: TestServer;
let admin: string;
let doctorId: number;

beforeAll(async () => {
  tencent = await startTencentStandIn(TENCENT);
  smtp = await startSmtpServer();
  wechat = await startWeChatStandIn();
  server = await startTestServer({
    NOTIFY_SMS: 'tencent',
    TENCENT_SMS_SECRET_ID: TENCENT.secretId,
    TENCENT_SMS_SECRET_KEY: TENCENT.secretKey,
    TENCENT_SMS_SDK_APP_ID: TENCENT.sdkAppId,
    TENCENT_SMS_ENDPOINT: tencent.url,
    NOTIFY_EMAIL: 'smtp',
    SMTP_URL: smtp.url,
    SMTP_FROM: '康源诊所 <noreply@clinic.example>',
    NOTIFY_WECHAT: 'wechat',
    WECHAT_APP_ID: wechat.appId,
    WECHAT_APP_SECRET: wechat.appSecret,
    WECHAT_API_BASE_URL: wechat.url,
    WECHAT_OAUTH_REDIRECT_URL: 'https://clinic.example/portal/wechat-callback',
  });
  admin = await staffLogin(server.http);
  const templates = await server.http.get(`${STAFF}/notifications/templates`, { bearer: admin });
  for (const template of templates.body.templates) {
    if (template.channel === 'email') continue;
    const saved = await server.http.put(`${STAFF}/notifications/templates/${template.id}`, {
      bearer: admin,
      json: {
        body: template.body,
        provider_template: template.channel === 'sms' ? '1110001' : 'wx-template-booking',
        ...(template.channel === 'sms' ? { sign_name: '康源诊所' } : {}),
      },
    });
    expect(saved.status, saved.text).toBe(200);
  }
  doctorId = await createDoctor(server, '渠道医生');
  for (let day = 2; day < 6; day += 1) await addSession(server, admin, doctorId, daysFromToday(day), 'morning', 20);
});
afterAll(async () => {
  await server?.close();
  await Promise.all([tencent?.close(), smtp?.close(), wechat?.close()]);
});

describe('Tencent Cloud SMS through its SDK', () => {
  it('sends SendSms signed with TC3-HMAC-SHA256, positional parameters in template order, the key as SessionContext', async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '周宁');
    expect(
      (await book(server, patient.token, { doctor_id: doctorId, date: daysFromToday(2), period: 'morning' })).status,
    ).toBe(201);
    const summary = await deliveryWorker(server).runOnce();
    const [sentRow] = await outboxRows(server, { patientId: patient.patientId });
    expect(summary, `${sentRow?.last_error} ${tencent.requests.at(-1)?.refused}`).toMatchObject({ sent: 1, failed: 0 });
    const request = tencent.requests.at(-1)!;
    expect(request.refused).toBeUndefined();
    expect(request.headers['x-tc-action']).toBe('SendSms');
    expect(String(request.headers.authorization)).toMatch(/^TC3-HMAC-SHA256 Credential=AKID-test-secret-id\//);
    const [row] = await outboxRows(server, { patientId: patient.patientId });
    const sent = JSON.parse(request.body);
    expect(sent).toMatchObject({
      PhoneNumberSet: [`+86${patient.phone}`],
      SmsSdkAppId: TENCENT.sdkAppId,
      SignName: '康源诊所',
      TemplateId: '1110001',
      SessionContext: row!.idempotency_key,
    });
    // The default zh-CN template uses patient_name, date, period, time, department_name, doctor_name in that order.
    expect(sent.TemplateParamSet).toEqual(['周宁', daysFromToday(2), '上午', '08:00', '皮肤科', '渠道医生']);
    expect(row).toMatchObject({
      status: 'sent',
      transport: 'tencent',
      provider_message_id: expect.stringMatching(/^2645:/),
    });
  });

  it('fails at once, without retrying, on an answer no retry can change', async () => {
    const patient = await registerAndLoginPatient(server.http);
    expect(
      (await book(server, patient.token, { doctor_id: doctorId, date: daysFromToday(3), period: 'morning' })).status,
    ).toBe(201);
    tencent.behaviour = {
      status: 200,
      body: {
        Response: { Error: { Code: 'AuthFailure.SecretIdNotFound', Message: 'secret id not found' }, RequestId: 'x' },
      },
    };
    try {
      expect(await deliveryWorker(server).runOnce()).toMatchObject({ failed: 1 });
    } finally {
      tencent.behaviour = 'ok';
    }
    const [row] = await outboxRows(server, { patientId: patient.patientId });
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.last_error).toContain('AuthFailure.SecretIdNotFound');
  });
});

describe('email through SMTP (nodemailer to a real SMTP server)', () => {
  it('delivers with a Message-ID that stays the same for every attempt of the message', async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), 'Bob');
    await server.http.put('/patient/notification-settings', {
      bearer: patient.token,
      json: { language: 'en', sms: false, email_enabled: true, email: 'bob@example.org' },
    });
    expect(
      (await book(server, patient.token, { doctor_id: doctorId, date: daysFromToday(4), period: 'morning' })).status,
    ).toBe(201);
    expect(await deliveryWorker(server).runOnce()).toMatchObject({ sent: 1 });
    const [row] = await outboxRows(server, { patientId: patient.patientId });
    const mail = smtp.received.at(-1)!;
    expect(mail.to).toEqual(['bob@example.org']);
    expect(mail.from).toBe('noreply@clinic.example');
    expect(mail.raw).toContain(`Message-ID: <${row!.idempotency_key}@clinic.example>`);
    expect(mail.raw).toContain('Subject: =?UTF-8?Q?Appointment_booked=3A');
    expect(mail.raw.replace(/=\r?\n/g, '')).toContain('Dear Bob,');
    expect(row).toMatchObject({
      status: 'sent',
      transport: 'smtp',
      provider_message_id: `<${row!.idempotency_key}@clinic.example>`,
    });
  });
});

describe('WeChat: linking in the portal, then template messages', () => {
  it('links through OAuth (signed state, code exchanged for the openid) and sends template messages there', async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '吴双');
    const start = await server.http.get('/patient/wechat/authorize-url', { bearer: patient.token });
    expect(start.status, start.text).toBe(200);
    const url = new URL(start.body.data.url);
    expect(url.searchParams.get('appid')).toBe(wechat.appId);
    expect(url.searchParams.get('redirect_uri')).toBe('https://clinic.example/portal/wechat-callback');
    expect(url.searchParams.get('state')).toBe(start.body.data.state);

    // A state made for another account is refused.
    const other = await registerAndLoginPatient(server.http);
    wechat.codes.set('code-for-wu', 'openid-wu-shuang');
    const stolen = await server.http.post('/patient/wechat/link', {
      bearer: other.token,
      json: { code: 'code-for-wu', state: start.body.data.state },
    });
    expect(stolen.status).toBe(400);
    expect(stolen.body.msg).toContain('state');
    const badCode = await server.http.post('/patient/wechat/link', {
      bearer: patient.token,
      json: { code: 'not-a-code', state: start.body.data.state },
    });
    expect(badCode.status).toBe(400);
    expect(badCode.body.msg).toContain('code');

    const linked = await server.http.post('/patient/wechat/link', {
      bearer: patient.token,
      json: { code: 'code-for-wu', state: start.body.data.state },
    });
    expect(linked.status, linked.text).toBe(200);
    expect(linked.body.data).toMatchObject({ wechat_linked: true, wechat: true, wechat_available: true });

    wechat.expireTokenOnce = true;
    expect(
      (await book(server, patient.token, { doctor_id: doctorId, date: daysFromToday(5), period: 'morning' })).status,
    ).toBe(201);
    expect(await deliveryWorker(server).runOnce()).toMatchObject({ sent: 2, failed: 0 });
    const rows = await outboxRows(server, { patientId: patient.patientId });
    expect(rows.map((row) => row.channel).sort()).toEqual(['sms', 'wechat']);
    const message = wechat.sent.at(-1)!;
    const wechatRow = rows.find((row) => row.channel === 'wechat')!;
    expect(message).toMatchObject({
      touser: 'openid-wu-shuang',
      template_id: 'wx-template-booking',
      client_msg_id: wechatRow.idempotency_key,
      data: {
        thing1: { value: '渠道医生（皮肤科）' },
        time2: { value: `${daysFromToday(5)} 08:00` },
        thing3: { value: '吴双' },
      },
    });
    // The expired token was replaced once, through stable_token.
    expect(wechat.tokenRequests).toBe(2);
    expect(wechatRow).toMatchObject({
      status: 'sent',
      transport: 'wechat',
      provider_message_id: String(1000 + wechat.sent.length),
    });

    const unlinked = await server.http.delete('/patient/wechat/link', { bearer: patient.token });
    expect(unlinked.body.data.wechat_linked).toBe(false);
  });
});
