import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/clinic-time/clinic-calendar.js';
import {
  NotificationOutbox,
  OutboxRepository,
  RecipientsRepository,
  ReminderRepository,
  ReminderScheduler,
  TemplateCache,
} from '../../src/features/notifications/index.js';
import { addSession, book, calendar, createDoctor, daysFromToday } from '../appointments/helpers.js';
import { deliveryWorker } from '../notifications/support/messages.js';
import { type StandIn, startAliyunStandIn } from '../notifications/support/sms-stand-ins.js';
import { createPatientBody, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestServer, type TestServer } from '../support/server.js';
import { registerVerifiedPatient } from '../support/verified-patient.js';
import { chromiumAvailable, launchBrowser, newContext, PHONE_VIEWPORT, screenshot } from './support/browser.js';

/*
 * Issue 16's back-office screens in a real Chromium: the delivery log (a patient's booking
 * message, failed at the SMS provider, sent again from the screen), the template editor (the
 * server's placeholder check on the field; the edit used by the next booking), and the desk's
 * portal-account actions in the patient drawer. SMS goes to a local stand-in answering as
 * Alibaba Cloud documents SendSms (test/notifications); the worker's passes run from the test,
 * as the server's own worker would run them.
 */
const CREDENTIALS = { accessKeyId: 'LTAI-ui-key', accessKeySecret: 'ui-secret-value' };
let provider: StandIn;
let server: TestServer;
let browser: Browser;
let admin: string;
let doctorId: number;
let patient: { phone: string; password: string; token: string; patientId: number };
const PATIENT_NAME = '周晓梅';

async function openPage() {
  const { context, pageErrors } = await newContext(browser);
  context.setDefaultTimeout(20_000);
  return { context, pageErrors, page: await context.newPage() };
}

async function signIn(page: Page) {
  await page.goto(`${server.baseUrl}/admin/login`);
  await page.getByLabel('用户名').fill(ADMIN_USERNAME);
  await page.getByLabel('密码').fill(ADMIN_PASSWORD);
  await page.getByLabel('密码').press('Enter');
  await page.waitForURL('**/admin/dashboard');
}

const rows = (page: Page) => page.locator('tbody tr.ant-table-row');
const search = (page: Page) => page.getByRole('button', { name: /查\s*询/ }).click();

/** Picks an option of a select in the table's search form (the field's name is the input's id). */
async function choose(page: Page, field: string, option: string) {
  await page.locator(`.ant-pro-query-filter .ant-select:has(input#${field})`).click();
  await page
    .locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${option}"]`)
    .click();
}

/** Waits until the table shows the filtered answer: some rows, each of this event (not the list from before). */
async function onlyRowsOf(page: Page, eventLabel: string) {
  await expect
    .poll(async () => {
      const texts = await rows(page).allInnerTexts();
      return texts.length > 0 && texts.every((text) => text.includes(eventLabel));
    })
    .toBe(true);
}

async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor();
  return (await locator.first().innerText()) ?? '';
}

describe.skipIf(!chromiumAvailable)('messages in the back office, in Chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    provider = await startAliyunStandIn(CREDENTIALS);
    server = await startTestServer({
      NOTIFY_SMS: 'aliyun',
      ALIYUN_SMS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      ALIYUN_SMS_ACCESS_KEY_SECRET: CREDENTIALS.accessKeySecret,
      ALIYUN_SMS_ENDPOINT: provider.url,
      NOTIFY_MAX_ATTEMPTS: '1',
      NOTIFY_SEND_TIMEOUT_MS: '2000',
    });
    admin = await staffLogin(server.http);
    // The SMS templates carry the provider's template code and sign name, as a clinic sets them up.
    const templates = await server.http.get(`${STAFF}/notifications/templates`, { bearer: admin });
    for (const template of templates.body.templates.filter((row: { channel: string }) => row.channel === 'sms')) {
      const saved = await server.http.put(`${STAFF}/notifications/templates/${template.id}`, {
        bearer: admin,
        json: { body: template.body, provider_template: `SMS_${template.id}0001`, sign_name: '康源' },
      });
      expect(saved.status, saved.text).toBe(200);
    }
    doctorId = await createDoctor(server, '林静怡');
    for (const day of [2, 3]) await addSession(server, admin, doctorId, daysFromToday(day), 'morning', 10);
    patient = await registerVerifiedPatient(server, uniquePhone(), PATIENT_NAME);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await provider?.close();
  });

  it("发送记录: the patient's booking message with the provider's answer; a failed one is sent again", async () => {
    const booked = await book(server, patient.token, {
      doctor_id: doctorId,
      date: daysFromToday(2),
      period: 'morning',
    });
    expect(booked.status, booked.text).toBe(201);
    // The provider is down: with one attempt allowed, the message fails at once.
    provider.behaviour = 'server-error';
    await deliveryWorker(server).runOnce();

    const { context, pageErrors, page } = await openPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/admin/notification-log`);
    // Email and WeChat are not set up: the screen says they are only stored.
    expect(await textOf(page.getByText(/目前仅记录不外发/))).toContain('邮件、微信');
    await page.getByLabel('患者编号').fill(String(patient.patientId));
    await choose(page, 'event', '预约成功');
    await search(page);
    await expect.poll(() => rows(page).count()).toBe(1);
    const row = rows(page).first();
    const failed = await row.innerText();
    for (const shown of [PATIENT_NAME, '预约成功', '短信', '失败', '[aliyun]', 'ServiceUnavailable'])
      expect(failed).toContain(shown);
    // The administrator may see full phones; the number is the patient's.
    expect(failed).toContain(patient.phone);
    await screenshot(page, 'admin-messages-log-failed');

    provider.behaviour = 'ok';
    await row.getByRole('button', { name: '重新发送' }).click();
    await page
      .locator('.ant-popover')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await page.getByText('已重新放入发送队列').waitFor();
    await expect.poll(() => rows(page).first().innerText()).toContain('待发送');
    await deliveryWorker(server).runOnce();
    await search(page);
    await expect.poll(() => rows(page).first().innerText()).toContain('已发送');
    expect(await rows(page).first().getByRole('button', { name: '重新发送' }).count()).toBe(0);
    await screenshot(page, 'admin-messages-log-sent');

    // A verification code is never shown: it reads ****** in the log.
    await page.getByLabel('患者编号').fill('');
    await choose(page, 'event', '验证码');
    await search(page);
    await onlyRowsOf(page, '验证码');
    expect(await rows(page).first().innerText()).toContain('验证码为******');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('消息模板: the placeholder check shows on the field; a saved edit is used by the next booking', async () => {
    const { context, pageErrors, page } = await openPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/admin/notification-templates`);
    await choose(page, 'event', '预约成功');
    await choose(page, 'language', '中文');
    await choose(page, 'channel', '短信');
    await search(page);
    await expect.poll(() => rows(page).count()).toBe(1);
    await rows(page).first().getByRole('button', { name: '编辑' }).click();
    const dialog = page.getByRole('dialog');
    const placeholders = await textOf(dialog.getByTestId('placeholders'));
    for (const name of ['{patient_name}', '{doctor_name}', '{date}', '{period}', '{time}'])
      expect(placeholders).toContain(name);
    expect(await dialog.getByTestId('placeholders').locator('strong').allInnerTexts()).toEqual(['{date}']);

    await dialog.getByLabel('内容').fill('{patient_name}您好，{clinic}欢迎您');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    const fieldError = await textOf(dialog.locator('.ant-form-item-explain-error'));
    expect(fieldError).toContain('未知占位符 {clinic}');
    expect(fieldError).toContain('缺少必需占位符 {date}');
    await screenshot(page, 'admin-messages-template-error');

    await dialog.getByLabel('内容').fill('{patient_name}您好，您已预约{date}{period}{doctor_name}医生，请携带医保卡。');
    await dialog.getByLabel(/短信模板编号/).fill('SMS_2026001');
    await dialog.getByLabel('短信签名').fill('康源诊所');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('模板已保存').waitFor();
    await expect.poll(() => rows(page).first().innerText()).toContain('请携带医保卡');
    const saved = await rows(page).first().innerText();
    expect(saved).toContain('SMS_2026001');
    expect(saved).toContain('【康源诊所】');
    expect(saved).toContain(ADMIN_USERNAME);
    await screenshot(page, 'admin-messages-templates');

    // The next booking is rendered with the edit, and goes to the provider with its template code.
    const booked = await book(server, patient.token, {
      doctor_id: doctorId,
      date: daysFromToday(3),
      period: 'morning',
    });
    expect(booked.status, booked.text).toBe(201);
    await deliveryWorker(server).runOnce();
    await page.goto(`${server.baseUrl}/admin/notification-log`);
    await page.getByLabel('患者编号').fill(String(patient.patientId));
    await choose(page, 'event', '预约成功');
    await search(page);
    await expect.poll(() => rows(page).count()).toBe(2);
    const newest = await rows(page).first().innerText();
    expect(newest).toContain(`${PATIENT_NAME}您好，您已预约${daysFromToday(3)}`);
    expect(newest).toContain('请携带医保卡');
    expect(newest).toContain('已发送');
    expect(provider.requests.at(-1)?.query.TemplateCode ?? provider.requests.at(-1)?.body).toContain('SMS_2026001');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("the patient drawer's 患者端账号: reset the portal password, confirmed, the temporary one works once told", async () => {
    const { context, pageErrors, page } = await openPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/admin/patients`);
    await page.getByLabel('关键词').fill(PATIENT_NAME);
    await search(page);
    await expect.poll(() => rows(page).count()).toBe(1);
    await rows(page).first().getByRole('button', { name: PATIENT_NAME }).click();
    const card = page.getByTestId('portal-account');
    await expect.poll(() => card.innerText()).toContain('手机号已验证');
    await card.getByRole('button', { name: '重置患者端密码' }).click();
    const confirm = page.locator('.ant-popover').filter({ hasText: '生成一个临时密码' });
    await confirm.getByRole('button', { name: /确\s*定|OK/ }).click();
    const temporary = await textOf(page.getByTestId('temporary-password'));
    expect(temporary.trim().length).toBeGreaterThanOrEqual(8);
    await screenshot(page, 'admin-messages-portal-account');

    // The patient's old session ended; the temporary password signs in.
    expect((await server.http.get('/patient', { bearer: patient.token })).status).toBe(401);
    const login = await server.http.post('/patient/login', {
      json: { phone: patient.phone, password: temporary.trim() },
    });
    expect(login.status, login.text).toBe(200);
    const told = await server.http.get(`${STAFF}/notifications/messages`, {
      bearer: admin,
      query: { patient_id: patient.patientId, event: 'password_changed' },
    });
    expect(told.body.total).toBe(1);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
  it('关联 and unlock at the desk: an account registered without a code joins the clinic record; a lock is lifted', async () => {
    // The clinic holds a record; the person registered in the portal without a code (an account of its own).
    const phone = uniquePhone();
    const created = await server.http.post(`${STAFF}/patient/`, {
      bearer: admin,
      json: createPatientBody({ name: '吴德明', tel: phone, sex: 1 }),
    });
    expect(created.status, created.text).toBe(201);
    const registered = await server.http.post('/patient/register', {
      json: { phone, password: 'walk-in-pass-1', name: '吴德明' },
    });
    expect(registered.status, registered.text).toBe(200);

    const { context, pageErrors, page } = await openPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/admin/patients`);
    await page.getByLabel('关键词').fill(phone);
    await search(page);
    // Two records answer the phone: the clinic's and the one the registration made for itself.
    await expect.poll(() => rows(page).count()).toBe(2);
    const clinicRow = page.locator(`tr[data-row-key="${created.body.newPatient.id}"]`);
    await clinicRow.getByRole('button', { name: '吴德明' }).click();
    const card = page.getByTestId('portal-account');
    await expect.poll(() => card.innerText()).toContain('有一个用该手机号注册、未验证的患者端账号');
    await card.getByRole('button', { name: '关联患者端账号' }).click();
    const confirm = page.locator('.ant-popover').filter({ hasText: '请先核对本人身份' });
    await screenshot(page, 'admin-messages-portal-link');
    await confirm.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByText('已关联患者端账号').waitFor();
    await expect.poll(() => card.innerText()).toContain('手机号已验证');
    // The account now shows the clinic's record.
    const login = await server.http.post('/patient/login', { json: { phone, password: 'walk-in-pass-1' } });
    expect(login.body.data.id).toBe(Number(created.body.newPatient.id));

    // Wrong passwords lock the account; the desk lifts the lock.
    let status = 0;
    for (let attempt = 0; attempt < 10 && status !== 429; attempt += 1)
      status = (await server.http.post('/patient/login', { json: { phone, password: 'not-my-password' } })).status;
    expect(status).toBe(429);
    await page.locator('.ant-drawer-close').click();
    await page.locator('.ant-drawer-mask').waitFor({ state: 'hidden' });
    await clinicRow.getByRole('button', { name: '吴德明' }).click();
    await expect.poll(() => page.getByTestId('portal-account').innerText()).toContain('已锁定至');
    await page.getByTestId('portal-account').getByRole('button', { name: '解除锁定' }).click();
    await page
      .locator('.ant-popover')
      .filter({ hasText: '解除该账号' })
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await page.getByText('已解除锁定').waitFor();
    await expect.poll(() => page.getByTestId('portal-account').innerText()).not.toContain('已锁定至');
    const after = await server.http.post('/patient/login', { json: { phone, password: 'walk-in-pass-1' } });
    expect(after.status, after.text).toBe(200);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
  it('reminders: the day before, the log shows the reminder of a patient who kept them on, none for one who turned them off', async () => {
    // A second patient books the same session and turns reminders off in the portal, on a phone.
    const quiet = await registerVerifiedPatient(server, uniquePhone(), '郑安静', 'quiet-pass-1');
    const booked = await book(server, quiet.token, { doctor_id: doctorId, date: daysFromToday(2), period: 'morning' });
    expect(booked.status, booked.text).toBe(201);
    const phone = await newContext(browser, { viewport: PHONE_VIEWPORT });
    const portal = await phone.context.newPage();
    portal.setDefaultTimeout(20_000);
    await portal.goto(`${server.baseUrl}/login`);
    await portal.getByLabel('手机号').fill(quiet.phone);
    await portal.getByLabel('密码').fill('quiet-pass-1');
    await portal.getByRole('button', { name: /登\s*录/ }).click();
    await portal.getByRole('heading', { level: 3, name: /您好$/ }).waitFor();
    await portal.goto(`${server.baseUrl}/notifications`);
    await portal.getByRole('switch', { name: '就诊提醒' }).click();
    await portal.getByRole('button', { name: /保\s*存/ }).click();
    await portal.getByText('通知设置已保存').waitFor();
    expect(phone.pageErrors).toEqual([]);
    await phone.context.close();

    // The reminder job's scan at 18:00 clinic time the day before (the server runs it every minute).
    const outbox = new NotificationOutbox(
      new OutboxRepository(server.database.db, server.database.dialect),
      new RecipientsRepository(server.database.db),
      new TemplateCache(new RecipientsRepository(server.database.db)),
      calendar,
    );
    const reminders = new ReminderScheduler(
      server.database.db,
      new ReminderRepository(server.database.db),
      outbox,
      calendar,
      {
        dayBeforeMinute: 18 * 60,
        hoursBefore: 0,
      },
    );
    await reminders.runOnce(calendar.instantOnDate(addDays(daysFromToday(2), -1), 18 * 60));

    const { context, pageErrors, page } = await openPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/admin/notification-log`);
    await choose(page, 'event', '就诊提醒');
    await search(page);
    await onlyRowsOf(page, '就诊提醒');
    const shown = await page.locator('tbody').innerText();
    expect(shown).toContain(PATIENT_NAME);
    expect(shown).toContain('待发送');
    expect(shown).not.toContain('郑安静');
    await screenshot(page, 'admin-messages-reminders');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
