import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession, book, createDoctor, daysFromToday } from '../appointments/helpers.js';
import { registerAndLoginPatient, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { unlabelledControls } from './support/a11y.js';
import {
  chromiumAvailable,
  DESKTOP_VIEWPORT,
  launchBrowser,
  newContext,
  PHONE_VIEWPORT,
  screenshot,
} from './support/browser.js';

/*
 * 在线问诊 in two browsers at once: a patient on a phone asks the doctor they booked with; the
 * doctor's 在线问诊 page (signed in on a desktop, never reloaded) shows it live with its unread
 * count; the answer reaches the patient's page live; the doctor closes it and the patient can no
 * longer send. Everything arrives over the event streams: neither page is reloaded after it opened.
 */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const DOCTOR_NAME = '吴医生';
const USERNAME = 'doctor_wu';
const PASSWORD = 'doctor-password-1';
const PATIENT_NAME = '林晓';
const QUESTION = '拔牙后第三天还有点肿，正常吗？';
const ANSWER = '属于正常反应，冷敷并按时服药，如发热请来院复诊。';
/** A 1×1 PNG: what a phone's camera would send, only smaller. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let server: TestServer;
let browser: Browser;
let patient: Awaited<ReturnType<typeof registerAndLoginPatient>>;

const thread = (page: Page) => page.getByRole('log');

describe.skipIf(!chromiumAvailable)('online consultations between a patient and a doctor', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer();
    const admin = await staffLogin(server.http);
    const doctorId = await createDoctor(server, DOCTOR_NAME);
    const role = await server.database.db
      .selectFrom('roles')
      .select('id')
      .where('builtin_key', '=', 'doctor')
      .executeTakeFirstOrThrow();
    const account = await server.http.post(`${STAFF}/staff`, {
      bearer: admin,
      json: {
        username: USERNAME,
        display_name: DOCTOR_NAME,
        password: PASSWORD,
        role_id: role.id,
        doctor_id: doctorId,
      },
    });
    expect(account.status, account.text).toBe(201);
    // The clinic's default lets a patient ask only a doctor they booked with.
    patient = await registerAndLoginPatient(server.http, undefined, PATIENT_NAME);
    await addSession(server, admin, doctorId, daysFromToday(3), 'afternoon', 5);
    const booked = await book(server, patient.token, {
      doctor_id: doctorId,
      date: daysFromToday(3),
      period: 'afternoon',
    });
    expect(booked.status, booked.text).toBe(201);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks, answers and closes live on both pages', async () => {
    // The doctor's page first, left open for the whole test.
    const doctor = await newContext(browser, { viewport: DESKTOP_VIEWPORT });
    doctor.context.setDefaultTimeout(20_000);
    const desk = await doctor.context.newPage();
    await desk.goto(`${server.baseUrl}/admin/login`);
    await desk.getByLabel('用户名').fill(USERNAME);
    await desk.getByLabel('密码').fill(PASSWORD);
    await desk.getByLabel('密码').press('Enter');
    await desk.waitForURL((url) => !url.pathname.endsWith('/login'));
    await desk.goto(`${server.baseUrl}/admin/consultations`);
    await eventually(() => desk.getByRole('menuitem', { name: '在线问诊' }).count()).toBeGreaterThan(0);
    await desk.getByText('暂无问诊').waitFor();

    // The patient, on a phone, asks from the home page's shortcut.
    const phone = await newContext(browser, { viewport: PHONE_VIEWPORT });
    phone.context.setDefaultTimeout(20_000);
    const portal = await phone.context.newPage();
    await portal.goto(`${server.baseUrl}/login`);
    await portal.getByLabel('手机号').fill(patient.phone);
    await portal.getByLabel('密码').fill(patient.password);
    await portal.getByRole('button', { name: /登\s*录/ }).click();
    await portal.waitForURL(`${server.baseUrl}/`);
    await portal.getByRole('link', { name: '在线问诊' }).click();
    await portal.getByRole('heading', { level: 3, name: '在线问诊' }).waitFor();
    await portal.getByRole('button', { name: '向医生提问' }).click();
    const doctors = portal.getByLabel('医生');
    const option = doctors.locator('option', { hasText: DOCTOR_NAME });
    await option.waitFor({ state: 'attached' });
    await doctors.selectOption((await option.getAttribute('value'))!);
    await portal.getByLabel('问题').fill(QUESTION);
    await screenshot(portal, 'portal-consultation-ask');
    expect(await unlabelledControls(portal)).toEqual([]);
    await portal.getByRole('button', { name: /^发\s*送$/ }).click();
    await portal.waitForURL(/\/consultations\/\d+$/);
    await eventually(() => thread(portal).innerText()).toContain(QUESTION);
    expect(await portal.getByRole('main').innerText()).toContain(`与 ${DOCTOR_NAME} 主治医师 的问诊`);

    // The doctor's list shows it without a reload, with one unread message.
    const item = desk.getByRole('button', { name: new RegExp(PATIENT_NAME) });
    await eventually(() => item.innerText()).toContain(QUESTION);
    expect(await item.getByTitle('1 条未读').count()).toBe(1);
    expect(await item.innerText()).toContain('进行中');
    await screenshot(desk, 'admin-consultations-unread');

    // Opening it shows the question and reads it; the answer goes out.
    await item.click();
    await eventually(() => thread(desk).innerText()).toContain(QUESTION);
    await eventually(() => item.getByTitle('1 条未读').count()).toBe(0);
    await desk.getByLabel('输入回复').fill(ANSWER);
    await desk.getByRole('button', { name: /发\s*送$/ }).click();
    await eventually(() => thread(desk).innerText()).toContain(ANSWER);

    // The patient's open thread receives it without a reload.
    await eventually(() => thread(portal).innerText()).toContain(ANSWER);

    // A picture from the phone reaches the doctor's thread; both show it through their own token.
    await portal.locator('input[type=file]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    const shown = (page: Page) =>
      thread(page)
        .getByRole('img', { name: '问诊图片' })
        .evaluateAll((images) => images.filter((image) => (image as HTMLImageElement).naturalWidth > 0).length);
    await eventually(() => shown(portal)).toBe(1);
    await eventually(() => shown(desk)).toBe(1);
    await screenshot(portal, 'portal-consultation-thread');
    expect(await unlabelledControls(portal)).toEqual([]);
    expect(await unlabelledControls(desk)).toEqual([]);

    // The doctor closes the consultation after confirming.
    await desk.getByRole('button', { name: '结束问诊' }).click();
    const confirm = desk.locator('.ant-popover:not(.ant-popover-hidden)');
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain(`结束与 ${PATIENT_NAME} 的问诊？`);
    await confirm.getByRole('button', { name: /^结\s*束$/ }).click();
    await eventually(() => thread(desk).innerText()).toContain('问诊已结束');
    await eventually(() => item.innerText()).toContain('已结束');
    expect(await desk.getByRole('button', { name: '结束问诊' }).count()).toBe(0);

    // The patient sees it closed at once and can no longer write.
    await eventually(() => thread(portal).innerText()).toContain('问诊已结束');
    await eventually(() => portal.getByRole('main').innerText()).toContain('医生已结束本次问诊');
    expect(await portal.getByLabel('输入消息').isDisabled()).toBe(true);
    expect(await portal.getByRole('button', { name: /发\s*送$/ }).isDisabled()).toBe(true);
    expect(await portal.getByRole('button', { name: '发送图片' }).isDisabled()).toBe(true);
    await screenshot(portal, 'portal-consultation-closed');

    // Back on the list, the consultation says it is closed.
    await portal.getByRole('link', { name: /返回问诊列表/ }).click();
    const card = portal.getByRole('group', { name: DOCTOR_NAME });
    await eventually(() => card.innerText()).toContain('已结束');

    expect(doctor.pageErrors).toEqual([]);
    expect(phone.pageErrors).toEqual([]);
    await phone.context.close();
    await doctor.context.close();
  });
});
