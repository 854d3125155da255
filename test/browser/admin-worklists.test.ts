import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession, clinicToday, createDoctor, daysFromToday, minutesAgoToday } from '../appointments/helpers.js';
import {
  createStaffUser,
  DEFAULT_ROLE,
  registerAndLoginPatient,
  STAFF,
  staffLogin,
  uniquePhone,
  unixNow,
} from '../support/fixtures.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestServer, type TestServer } from '../support/server.js';
import { chromiumAvailable, launchBrowser, newContext, screenshot } from './support/browser.js';

/*
 * The day's work in a real Chromium against the real server (issue 17): the front desk's day
 * across doctors (a late patient highlighted, an arrival marked in place, day by day), the
 * consultant's follow-up worklist opened from the dashboard's 待回访 and opening a patient,
 * handing selected patients over from the pool, disabling an account only after confirming
 * (with the handover offered), and the shared pool with its rule's state said plainly.
 * The tests run in order and share the server.
 */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const PASSWORD = 'staff-password-1';
const DESK = 'desk_li';
const FROM = 'consultant_a';
const TO = 'consultant_b';

let server: TestServer;
let browser: Browser;
let admin: string;
let consultantToken: string;
let fromId: number;

async function register(token: string, name: string, extra: Record<string, unknown> = {}) {
  const response = await server.http.post(`${STAFF}/patient`, {
    bearer: token,
    json: { name, tel: uniquePhone(), add_time: unixNow() - 86_400, state: 0, ...extra },
  });
  expect(response.status, response.text).toBe(201);
  return Number(response.body.newPatient.id);
}

/** Books through the staff route on a future session, then moves it to today at `startTime` (set-up, as the API tests do). */
async function bookToday(patientId: number, doctorId: number, startTime: number) {
  const booked = await server.http.post(`${STAFF}/appointment`, {
    bearer: admin,
    json: { patient_id: patientId, doctor_id: doctorId, date: daysFromToday(3), period: 'morning' },
  });
  expect(booked.status, booked.text).toBe(201);
  await server.database.db
    .updateTable('appointments')
    .set({ session_date: clinicToday(), start_time: startTime })
    .where('id', '=', Number(booked.body.appointment.id))
    .execute();
}

async function contact(token: string, patientId: number, next: string) {
  const response = await server.http.post(`${STAFF}/patient/${patientId}/follow-ups`, {
    bearer: token,
    json: { contact_time: unixNow() - 600, way: '电话', content: '回访', next_follow_up_date: next },
  });
  expect(response.status, response.text).toBe(201);
}

async function signIn(username: string, password: string) {
  const { context, pageErrors } = await newContext(browser);
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/admin/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByLabel('密码').press('Enter');
  await page.waitForURL('**/admin/dashboard');
  return { context, pageErrors, page };
}

const toasts = (page: Page) =>
  page
    .locator('.ant-message-notice')
    .allInnerTexts()
    .then((texts) => texts.join(' | '));
const rowOf = (page: Page, testId: string, name: string) =>
  page.getByTestId(testId).locator('tbody tr.ant-table-row').filter({ hasText: name });
const poolRow = (page: Page, name: string) => page.locator('tbody tr.ant-table-row').filter({ hasText: name });

/** Picks an option of an open antd select by its text. */
async function pick(page: Page, option: string) {
  await page
    .locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${option}"]`)
    .click();
}

describe.skipIf(!chromiumAvailable)('the day’s work in the browser', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer();
    admin = await staffLogin(server.http);
    await createStaffUser(server, DESK, DEFAULT_ROLE.frontDesk, PASSWORD);
    const from = await createStaffUser(server, FROM, DEFAULT_ROLE.consultant, PASSWORD);
    consultantToken = from.token;
    fromId = from.id;
    await createStaffUser(server, TO, DEFAULT_ROLE.consultant, PASSWORD);
    const doctor = await createDoctor(server, '林医生');
    await addSession(server, admin, doctor, daysFromToday(3), 'morning', 10);
    const now = unixNow();
    await bookToday(await register(admin, '迟到客户'), doctor, now - 2 * 3600);
    await bookToday(await register(admin, '稍后客户'), doctor, now + 2 * 3600);
    const walkIn = await register(admin, '散客');
    const arrival = await server.http.post(`${STAFF}/patient/${walkIn}/arrival`, {
      bearer: admin,
      json: { reach_time: minutesAgoToday(10) },
    });
    expect(arrival.status, arrival.text).toBe(201);

    const dueToday = await register(consultantToken, '今日回访');
    await contact(consultantToken, dueToday, clinicToday());
    const upcoming = await register(consultantToken, '下周回访');
    await contact(consultantToken, upcoming, daysFromToday(3));
    for (const name of ['移交甲', '移交乙', '移交丙']) await register(consultantToken, name);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the front desk the day across doctors, highlights the late patient and marks an arrival in place', async () => {
    const { context, pageErrors, page } = await signIn(DESK, PASSWORD);
    await page.getByRole('menuitem', { name: '工作台' }).click();
    await page.getByRole('menuitem', { name: '前台工作台' }).click();
    await page.waitForURL('**/admin/front-desk');
    const late = rowOf(page, 'desk-appointments', '迟到客户');
    await eventually(() => late.innerText()).toMatch(/迟到 1[12]\d 分钟/);
    expect(await late.innerText()).toContain('林医生');
    // Highlighted: the late row's background is the light red of an alert.
    expect(await late.evaluate((row) => getComputedStyle(row).backgroundColor)).toBe('rgb(255, 241, 240)');
    expect(await rowOf(page, 'desk-appointments', '稍后客户').innerText()).toContain('等待中');
    expect(await page.getByTestId('desk-walk-ins').innerText()).toContain('散客');
    const summary = (await page.getByTestId('desk-summary').innerText()).replace(/\s+/g, ' ');
    expect(summary).toContain('预约到诊 2');
    expect(summary).toContain('迟到 1');
    expect(summary).toContain('无预约到诊 1');
    await screenshot(page, 'admin-front-desk');

    await late.getByRole('button', { name: '确认到诊：迟到客户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('确认到诊：迟到客户').waitFor();
    await dialog.getByRole('button', { name: '确认到诊' }).click();
    await eventually(() => toasts(page)).toContain('已确认 迟到客户 到诊');
    await eventually(() => late.innerText()).toContain('已到诊');
    expect(await late.innerText()).toMatch(/\d{2}:\d{2} 到诊/);
    await eventually(async () => (await page.getByTestId('desk-summary').innerText()).replace(/\s+/g, ' ')).toContain(
      '已到诊 1',
    );

    // Day by day, every doctor at once: yesterday had nobody, and the next day returns to today.
    await page.getByRole('button', { name: '前一天' }).click();
    await page.waitForURL(`**/admin/front-desk?date=${daysFromToday(-1)}`);
    await eventually(() => page.getByTestId('desk-appointments').innerText()).toContain('当天没有预约');
    await page.getByRole('button', { name: '后一天' }).click();
    await page.waitForURL(`**/admin/front-desk?date=${clinicToday()}`);
    await eventually(() => late.innerText()).toContain('已到诊');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("opens the consultant's follow-up worklist from 待回访 and each row opens the patient", async () => {
    const { context, pageErrors, page } = await signIn(FROM, PASSWORD);
    const due = page.getByRole('button', { name: /待回访/ });
    await eventually(() => due.innerText()).toBe('1');
    await due.click();
    await page.waitForURL('**/admin/follow-up-worklist?**');
    const list = page.getByTestId('follow-up-worklist');
    await eventually(() => list.innerText()).toContain('今日回访');
    expect(await list.innerText()).not.toContain('下周回访');
    await page.getByRole('tab', { name: /即将回访/ }).click();
    await eventually(() => list.innerText()).toContain('下周回访');
    expect(await list.innerText()).toContain('3 天后');
    await page.getByRole('tab', { name: /今日/ }).click();
    await eventually(() => list.innerText()).toContain('今日回访');
    await screenshot(page, 'admin-follow-up-worklist');
    await list.getByRole('button', { name: '今日回访' }).click();
    const drawer = page.locator('.ant-drawer-content');
    await eventually(() => drawer.innerText()).toContain('今日回访');
    await eventually(() => drawer.innerText()).toContain(FROM);
    await screenshot(page, 'admin-follow-up-patient');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('hands the selected patients over from the pool, then shows the new consultant', async () => {
    const { context, pageErrors, page } = await signIn(ADMIN_USERNAME, ADMIN_PASSWORD);
    await page.goto(`${server.baseUrl}/admin/patients`);
    await poolRow(page, '移交丙').waitFor();
    for (const name of ['移交甲', '移交乙']) await poolRow(page, name).locator('.ant-checkbox-input').check();
    await page.getByRole('button', { name: '移交所选客户' }).click();
    const dialog = page.getByRole('dialog');
    await eventually(() => dialog.getByTestId('handover-count').innerText()).toBe('已选择 2 位客户');
    // The accounts are searched on the server by what is typed (a group has more than one page of them).
    await dialog.getByRole('combobox', { name: '移交给' }).click();
    await dialog.getByRole('combobox', { name: '移交给' }).fill(TO.slice(-5));
    await pick(page, TO);
    await dialog.getByText(`将把 2 位客户移交给 ${TO}`).waitFor();
    await screenshot(page, 'admin-handover');
    await dialog.getByRole('button', { name: '确认移交 2 位' }).click();
    await eventually(() => toasts(page)).toContain(`已将 2 位客户移交给 ${TO}`);
    for (const name of ['移交甲', '移交乙']) await eventually(() => poolRow(page, name).innerText()).toContain(TO);
    expect(await poolRow(page, '移交丙').innerText()).toContain(FROM);
    expect(await poolRow(page, '移交丙').innerText()).not.toContain(TO);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('asks before disabling a staff account and offers to hand over their patients first', async () => {
    const { context, pageErrors, page } = await signIn(ADMIN_USERNAME, ADMIN_PASSWORD);
    await page.goto(`${server.baseUrl}/admin/staff-users`);
    const toggle = page.getByRole('switch', { name: `启用账号 ${FROM}` });
    await eventually(() => toggle.getAttribute('aria-checked')).toBe('true');
    await toggle.click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText(`停用账号「${FROM}」？`).waitFor();
    // Not disabled by the click alone: cancelling keeps the account.
    await confirm.getByRole('button', { name: /取\s*消/ }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-checked')).toBe('true');

    await toggle.click();
    // 今日回访, 下周回访 and 移交丙 are still theirs.
    await eventually(() => confirm.innerText()).toContain(`${FROM} 名下还有 3 位客户`);
    await screenshot(page, 'admin-staff-disable-confirm');
    await confirm.getByText('先移交这 3 位客户').click();
    const handover = page.getByRole('dialog').filter({ hasText: '移交客户' });
    await eventually(() => handover.getByTestId('handover-count').innerText()).toBe('当前筛选条件下共 3 位客户');
    await handover.getByRole('combobox', { name: '移交给' }).click();
    await pick(page, TO);
    await handover.getByRole('button', { name: '确认移交 3 位' }).click();
    await eventually(() => toasts(page)).toContain(`已将 3 位客户移交给 ${TO}`);
    await handover.waitFor({ state: 'hidden' });
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /停\s*用/ })
      .click();
    await eventually(() => toasts(page)).toContain(`已停用 ${FROM}`);
    await eventually(() => toggle.getAttribute('aria-checked')).toBe('false');
    const held = await server.http.get(`${STAFF}/patient`, { bearer: admin, query: { author_id: fromId } });
    expect(held.body.total).toBe(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('lists the shared pool, says the return rule is off, and claims a patient', async () => {
    await registerAndLoginPatient(server.http, uniquePhone(), '自助注册患者');
    const { context, pageErrors, page } = await signIn(ADMIN_USERNAME, ADMIN_PASSWORD);
    await page.goto(`${server.baseUrl}/admin/shared-pool`);
    await eventually(() => page.getByTestId('pool-rule').innerText()).toContain('自动回收未开启');
    const row = rowOf(page, 'shared-pool', '自助注册患者');
    await eventually(() => row.innerText()).toContain('自助注册');
    await screenshot(page, 'admin-shared-pool');
    await row.getByRole('button', { name: '认领 自助注册患者' }).click();
    await eventually(() => toasts(page)).toContain('已认领 自助注册患者');
    await eventually(() => page.getByTestId('shared-pool').innerText()).toContain('公海里没有客户');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
