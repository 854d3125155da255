import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NOTIFICATION_TEMPLATES } from '../../src/db/notification-template-defaults.js';
import { EVENT_CATALOGUE, type NotificationEvent, templateProblems } from '../../src/features/notifications/index.js';
import { addSession, book, createDoctor, daysFromToday } from '../appointments/helpers.js';
import { createStaffUser, DEFAULT_ROLE, registerAndLoginPatient, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { deliveryWorker } from './support/messages.js';

/**
 * The template editor (placeholders checked on save, audited) and the delivery log (who may read
 * it, what of a phone they see, codes never shown).
 */
let server: TestServer;
let admin: string;
let templates: { id: string; event: string; language: string; channel: string; body: string; subject: string | null }[];

const templateOf = (event: string, channel: string, language = 'zh-CN') =>
  templates.find(
    (template) => template.event === event && template.channel === channel && template.language === language,
  )!;

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  const listed = await server.http.get(`${STAFF}/notifications/templates`, { bearer: admin });
  expect(listed.status, listed.text).toBe(200);
  templates = listed.body.templates;
});
afterAll(async () => server?.close());

describe('the installed templates', () => {
  it('cover every event, language and channel the catalogue names, and pass its own checks', () => {
    for (const [event, spec] of Object.entries(EVENT_CATALOGUE)) {
      for (const language of ['zh-CN', 'en'])
        for (const channel of spec.channels)
          expect(templateOf(event, channel, language), `${event} ${channel} ${language}`).toBeDefined();
    }
    for (const template of DEFAULT_NOTIFICATION_TEMPLATES)
      expect(templateProblems(template.event as NotificationEvent, [template.subject ?? '', template.body])).toEqual({
        unknown: [],
        missing: [],
      });
    expect(templates).toHaveLength(DEFAULT_NOTIFICATION_TEMPLATES.length);
  });
});

describe('editing a template', () => {
  it('saves a valid edit with its provider code and sign name, audited with before and after', async () => {
    const template = templateOf('booking_confirmed', 'sms');
    const body = '{patient_name}，您已预约{date}{period}{doctor_name}医生。';
    const saved = await server.http.put(`${STAFF}/notifications/templates/${template.id}`, {
      bearer: admin,
      json: { body, provider_template: 'SMS_465000001', sign_name: '康源诊所' },
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.template).toMatchObject({
      body,
      providerTemplate: 'SMS_465000001',
      signName: '康源诊所',
      updatedBy: 'admin',
    });
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'notification.template_update')
      .where('target_id', '=', template.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!).changed.body).toEqual({ before: template.body, after: body });

    // What is queued from now on uses it.
    const patient = await registerAndLoginPatient(server.http, undefined, '钱多');
    const doctorId = await createDoctor(server, '模板医生');
    await addSession(server, admin, doctorId, daysFromToday(2), 'morning', 3);
    await book(server, patient.token, { doctor_id: doctorId, date: daysFromToday(2), period: 'morning' });
    const row = await server.database.db
      .selectFrom('notification_outbox')
      .select(['body', 'provider_template', 'sign_name', 'params'])
      .where('patient_id', '=', patient.patientId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      body: `钱多，您已预约${daysFromToday(2)}上午模板医生医生。`,
      provider_template: 'SMS_465000001',
      sign_name: '康源诊所',
    });
    expect(Object.keys(JSON.parse(row.params))).toEqual(['patient_name', 'date', 'period', 'doctor_name']);

    const reset = await server.http.post(`${STAFF}/notifications/templates/${template.id}/reset`, { bearer: admin });
    expect(reset.status, reset.text).toBe(200);
    expect(reset.body.template).toMatchObject({ body: template.body, providerTemplate: 'SMS_465000001' });
  });

  it.each([
    [
      'an unknown placeholder',
      'booking_confirmed',
      'sms',
      { body: '您好 {patient_nmae}，{date} 就诊' },
      ['patient_nmae'],
      [],
    ],
    ['a missing required one', 'booking_confirmed', 'sms', { body: '您好 {patient_name}' }, [], ['date']],
    ['both', 'verification_code', 'sms', { body: '验证码 {codes}' }, ['codes'], ['code']],
    [
      'a subject with an unknown one',
      'booking_cancelled',
      'email',
      { subject: '{who} 取消', body: '{date}' },
      ['who'],
      [],
    ],
  ])(
    'refuses %s with 400 naming them, and keeps the template',
    async (_case, event, channel, change, unknown, missing) => {
      const template = templateOf(event, channel);
      const refused = await server.http.put(`${STAFF}/notifications/templates/${template.id}`, {
        bearer: admin,
        json: { subject: template.subject, ...change },
      });
      expect(refused.status, refused.text).toBe(400);
      expect(refused.body).toMatchObject({
        state_code: 40001,
        unknownPlaceholders: unknown,
        missingPlaceholders: missing,
      });
      for (const name of [...unknown, ...missing]) expect(refused.body.msg).toContain(`{${name}}`);
      const after = await server.http.get(`${STAFF}/notifications/templates`, { bearer: admin });
      expect(after.body.templates.find((row: { id: string }) => row.id === template.id).body).toBe(template.body);
    },
  );

  it.each([
    ['an email without subject', 'booking_confirmed', 'email', { body: '{date}', subject: '' }, 'subject'],
    ['a subject on an SMS', 'booking_confirmed', 'sms', { body: '{date}', subject: '主题' }, 'subject'],
    ['a WeChat body that is not field lines', 'booking_confirmed', 'wechat', { body: '预约成功 {date}' }, 'body'],
    [
      'a sign name on an email',
      'booking_confirmed',
      'email',
      { subject: 'x', body: '{date}', sign_name: '诊所' },
      'sign_name',
    ],
  ])('refuses %s naming the field', async (_case, event, channel, body, field) => {
    const refused = await server.http.put(`${STAFF}/notifications/templates/${templateOf(event, channel).id}`, {
      bearer: admin,
      json: body,
    });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.body.msg).toContain(field);
  });

  it('is for notifications:manage: 院长/主管 reads templates and the log but cannot edit, 前台 neither', async () => {
    const manager = await createStaffUser(server, 'notify_manager', DEFAULT_ROLE.manager);
    const frontDesk = await createStaffUser(server, 'notify_front', DEFAULT_ROLE.frontDesk);
    const template = templateOf('booking_confirmed', 'sms');
    expect((await server.http.get(`${STAFF}/notifications/templates`, { bearer: manager.token })).status).toBe(200);
    expect((await server.http.get(`${STAFF}/notifications/messages`, { bearer: manager.token })).status).toBe(200);
    const edit = await server.http.put(`${STAFF}/notifications/templates/${template.id}`, {
      bearer: manager.token,
      json: { body: '{date}' },
    });
    expect(edit.status).toBe(403);
    expect((await server.http.get(`${STAFF}/notifications/messages`, { bearer: frontDesk.token })).status).toBe(403);
  });
});

describe('the delivery log', () => {
  it('masks phones for a role without full phone numbers and never shows a verification code', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const code = await server.http.post('/patient/verification-codes', {
      json: { phone: patient.phone, purpose: 'claim' },
    });
    expect(code.status, code.text).toBe(200);
    const role = await server.database.db
      .insertInto('roles')
      .values({ name: '通知查看（遮挡号码）', builtin_key: null, created_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await server.database.db
      .insertInto('role_permissions')
      .values(
        ['patients', 'patients:view_all', 'notifications', 'notifications:view'].map((key) => ({
          role_id: role.id,
          permission_key: key,
        })),
      )
      .execute();
    const viewer = await createStaffUser(server, 'notify_masked', '通知查看（遮挡号码）');
    const asViewer = await server.http.get(`${STAFF}/notifications/messages`, {
      bearer: viewer.token,
      query: { event: 'verification_code' },
    });
    const asAdmin = await server.http.get(`${STAFF}/notifications/messages`, {
      bearer: admin,
      query: { event: 'verification_code' },
    });
    const mine = (body: { messages: { recipient: string; body: string; params: Record<string, string> }[] }) =>
      body.messages.find((message) => message.recipient.endsWith(patient.phone.slice(-4)))!;
    expect(mine(asViewer.body).recipient).toBe(`${patient.phone.slice(0, 3)}****${patient.phone.slice(-4)}`);
    expect(mine(asAdmin.body).recipient).toBe(patient.phone);
    for (const body of [asViewer.body, asAdmin.body]) {
      expect(mine(body).params.code).toBe('******');
      expect(mine(body).body).toContain('******');
      expect(mine(body).body).not.toMatch(/\d{6}/);
    }
    // Once sent, the stored row no longer holds the code either.
    await deliveryWorker(server).runOnce();
    const stored = await server.database.db
      .selectFrom('notification_outbox')
      .select(['body', 'params', 'status'])
      .where('recipient', '=', patient.phone)
      .where('event', '=', 'verification_code')
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('sent');
    expect(stored.body).not.toMatch(/\d{6}/);
    expect(JSON.parse(stored.params).code).toBe('******');
  });

  it("shows a consultant only the messages of their own patients, and audits reading one patient's", async () => {
    const role = await server.database.db
      .insertInto('roles')
      .values({ name: '通知查看（本人客户）', builtin_key: null, created_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await server.database.db
      .insertInto('role_permissions')
      .values(
        ['patients', 'patients:view_own', 'notifications', 'notifications:view'].map((key) => ({
          role_id: role.id,
          permission_key: key,
        })),
      )
      .execute();
    const consultant = await createStaffUser(server, 'notify_own', '通知查看（本人客户）');
    const listed = await server.http.get(`${STAFF}/notifications/messages`, { bearer: consultant.token });
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(0);
    const patient = await registerAndLoginPatient(server.http);
    const filtered = await server.http.get(`${STAFF}/notifications/messages`, {
      bearer: admin,
      query: { patient_id: patient.patientId },
    });
    expect(filtered.status).toBe(200);
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select('target_id')
      .where('action', '=', 'notification.log_read')
      .execute();
    expect(audit.map((row) => row.target_id)).toContain(String(patient.patientId));
  });

  it('answers the transports in use (all log by default) and the counts per status', async () => {
    const status = await server.http.get(`${STAFF}/notifications/status`, { bearer: admin });
    expect(status.status, status.text).toBe(200);
    expect(status.body).toMatchObject({
      transports: { sms: 'log', email: 'log', wechat: 'log' },
      worker: false,
      maxAttempts: 5,
      reminders: { dayBefore: '18:00', hoursBefore: 0 },
    });
    expect(status.body.counts.sent).toBeGreaterThan(0);
  });
});
