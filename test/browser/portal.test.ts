import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ClinicCalendar } from '../../src/domain/clinic-time/clinic-calendar.js';
import { STAFF, staffLogin, uniquePhone, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  chromiumAvailable,
  DESKTOP_VIEWPORT,
  launchBrowser,
  newContext,
  PHONE_VIEWPORT,
  screenshot,
} from './support/browser.js';

/*
 * The patient portal in a real Chromium on a 375-px phone: register, log in, edit the
 * profile (with a photo), book a session the staff scheduled, see it, cancel it, and the
 * staff see the booking through their API. The cutoff '-1d00:00' (until midnight before
 * the session day) lets the patient cancel a session 3 days ahead and refuses one tomorrow,
 * whatever the hour the test runs.
 */
const calendar = new ClinicCalendar('Asia/Shanghai');
const today = () => calendar.dateAt(unixNow());
/** 1 Monday ... 7 Sunday, as the staff schedule API counts. */
const isoWeekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const WEEKDAY_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const weekdayZh = (date: string) => WEEKDAY_ZH[new Date(`${date}T00:00:00Z`).getUTCDay()];
// A 1x1 PNG: the server recognises images by their first bytes.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const DOCTOR = '林静怡';
const MORNING = '上午（08:00 起）';
const AFTERNOON = '下午（13:30 起）';

let server: TestServer;
let browser: Browser;
let admin: string;
let doctorId: number;
const soonDate = () => addDays(today(), 3);
const tomorrow = () => addDays(today(), 1);

/** A phone- or desktop-sized context whose waits fail within 10 s, well inside the test's own timeout. */
async function openPage(viewport: { width: number; height: number }) {
  const { context, pageErrors } = await newContext(browser, { viewport });
  context.setDefaultTimeout(20_000);
  return { context, pageErrors, page: await context.newPage() };
}

/** Waits for the element, then gives its text (playwright-core has no auto-waiting expect). */
async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor();
  return (await locator.first().textContent()) ?? '';
}

async function staffGet(path: string, query: Record<string, string | number>) {
  const response = await server.http.get(`${STAFF}${path}`, { bearer: admin, query });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

async function logIn(page: Page, phone: string, password: string) {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL(`${server.baseUrl}/`);
  await page.getByRole('heading', { level: 3, name: /您好$/ }).waitFor();
}

/** Waits until the page shows this title: route changes render asynchronously, so reading right away may see the old page. */
async function seeTitle(page: Page, title: string) {
  await page.getByRole('heading', { level: 3, name: title, exact: true }).waitFor();
}

/** Nothing scrolls sideways: the screen fits the phone. */
async function expectFitsPhone(page: Page) {
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  // Polled: toasts and drawers slide in from outside for a moment; a lasting overflow still fails,
  // and the message names the elements that stick out.
  const overflow = () =>
    page.evaluate((width) => {
      if (document.documentElement.scrollWidth <= width) return '';
      return (
        [...document.querySelectorAll('body *')]
          .filter((element) => element.getBoundingClientRect().right > width + 0.5)
          .slice(0, 5)
          .map(
            (element) =>
              `${element.tagName.toLowerCase()}.${String(element.className).split(' ').slice(0, 2).join('.')}`,
          )
          .join(', ') || `scrollWidth ${document.documentElement.scrollWidth}`
      );
    }, PHONE_VIEWPORT.width);
  await expect.poll(overflow, { timeout: 3000, interval: 200 }).toBe('');
}

/** The card of one date on a doctor's sessions page. */
const dateCard = (page: Page, date: string) =>
  page.locator('.portal-card').filter({ hasText: `${date} ${weekdayZh(date)}` });

describe.skipIf(!chromiumAvailable)('patient portal in Chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer({ BOOKING_CANCEL_CUTOFF: '-1d00:00' });
    admin = await staffLogin(server.http);
    const departments = await server.http.get('/patient/departments');
    const created = await server.http.post(`${STAFF}/doctors`, {
      bearer: admin,
      json: {
        name: DOCTOR,
        department_id: departments.body.data[0].id,
        title: '主任医师',
        specialty: '慢性胃炎、消化道溃疡',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    doctorId = Number(created.body.doctor.id);
    // A weekly morning session on the weekday 3 days ahead, and an extra afternoon tomorrow.
    const weekly = await server.http.put(
      `${STAFF}/schedule/doctors/${doctorId}/weekly/${isoWeekday(soonDate())}/morning`,
      { bearer: admin, json: { capacity: 2 } },
    );
    expect(weekly.status, JSON.stringify(weekly.body)).toBe(200);
    const extra = await server.http.post(`${STAFF}/schedule/doctors/${doctorId}/exceptions`, {
      bearer: admin,
      json: { date: tomorrow(), period: 'afternoon', kind: 'extra', capacity: 3 },
    });
    expect(extra.status, JSON.stringify(extra.body)).toBe(201);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const phone = uniquePhone();
  const password = 'portal-pass-1';

  it('registers, logs in and edits the profile with a photo on a phone; the saved values survive a reload', async () => {
    const { context, pageErrors, page } = await openPage(PHONE_VIEWPORT);
    await page.goto(`${server.baseUrl}/register`);
    await page.getByLabel('手机号').fill('12345');
    await page.getByRole('button', { name: /注\s*册/ }).click();
    expect(await textOf(page.getByText('请输入 11 位中国大陆手机号'))).toBeTruthy();
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('姓名').fill('陈晓雨');
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByLabel('确认密码').fill(password);
    await screenshot(page, 'portal-phone-register');
    await page.getByRole('button', { name: /注\s*册/ }).click();
    // Registered and signed in at once (without a code: an account of its own, phone unverified).
    await seeTitle(page, '陈晓雨，您好');
    expect(await textOf(page.getByText('注册成功，已为您登录'))).toBeTruthy();
    await page.getByRole('button', { name: /退出登录/ }).click();
    await seeTitle(page, '患者登录');

    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('密码').fill('wrong-password-1');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    expect(await textOf(page.getByRole('alert'))).toMatch(/手机号或密码/);
    await logIn(page, phone, password);
    await seeTitle(page, '陈晓雨，您好');
    await screenshot(page, 'portal-phone-home');

    await page.getByRole('navigation').getByRole('link', { name: '个人资料' }).click();
    await page.getByRole('button', { name: '编辑资料' }).click();
    await page.getByText('女', { exact: true }).click();
    await page.getByLabel('出生日期').fill('1990-05-17');
    await page.getByLabel('家庭地址').fill('上海市徐汇区漕溪北路 88 号');
    await page.getByLabel('既往病史').fill('青霉素过敏');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    expect(await textOf(page.getByText('资料已保存'))).toBeTruthy();
    await page.locator('input[type=file]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
    expect(await textOf(page.getByText('头像已更新'))).toBeTruthy();

    await page.reload();
    const details = page.locator('.ant-descriptions');
    const shown = await textOf(details);
    for (const value of [phone, '未验证', '陈晓雨', '女', '1990-05-17', '上海市徐汇区漕溪北路 88 号', '青霉素过敏'])
      expect(shown).toContain(value);
    expect(await page.getByAltText('我的头像').getAttribute('src')).toMatch(/^\/uploads\/avatars\/[\w.-]+\.png$/);
    await screenshot(page, 'portal-phone-profile');
    await expectFitsPhone(page);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('books a session with the places shown, sees it, cancels it before the cutoff; the staff see the booking', async () => {
    const { context, pageErrors, page } = await openPage(PHONE_VIEWPORT);
    await logIn(page, phone, password);
    await page.getByRole('navigation').getByRole('link', { name: '预约挂号' }).click();
    const doctorCard = page.locator('.portal-card').filter({ hasText: DOCTOR });
    const cardText = await textOf(doctorCard);
    expect(cardText).toContain('主任医师');
    expect(cardText).toContain(soonDate().slice(5));
    await expectFitsPhone(page);
    await screenshot(page, 'portal-phone-doctors');
    await doctorCard.getByRole('button', { name: `查看号源: ${DOCTOR}` }).click();

    await seeTitle(page, `${DOCTOR} 的号源`);
    expect(await textOf(dateCard(page, soonDate()))).toContain('剩余 2 / 2');
    await dateCard(page, soonDate())
      .getByRole('button', { name: `预约 ${soonDate()} ${MORNING}` })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: '确认预约' }).click();
    expect(await textOf(page.getByRole('status').filter({ hasText: '预约成功' }))).toContain(soonDate());
    await page.locator('.portal-card').filter({ hasText: '剩余 1 / 2' }).waitFor();
    const bookedDay = await textOf(dateCard(page, soonDate()));
    expect(bookedDay).toContain('剩余 1 / 2');
    await dateCard(page, soonDate()).getByText('我已预约').waitFor();
    // Tomorrow's session: booked too, to show the cutoff refusal on the list.
    await dateCard(page, tomorrow())
      .getByRole('button', { name: `预约 ${tomorrow()} ${AFTERNOON}` })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: '确认预约' }).click();
    await page.locator('.portal-card').filter({ hasText: '剩余 2 / 3' }).waitFor();
    await expectFitsPhone(page);
    await screenshot(page, 'portal-phone-sessions');

    await page.getByRole('button', { name: '查看我的预约' }).click();
    await seeTitle(page, '我的预约');
    const soonCard = page.locator('.portal-card').filter({ hasText: soonDate() });
    const tomorrowCard = page.locator('.portal-card').filter({ hasText: tomorrow() });
    const soonText = await textOf(soonCard);
    expect(soonText).toContain(DOCTOR);
    expect(soonText).toContain('已预约');
    expect(soonText).toMatch(/可在 .+ 前取消/);
    expect(await textOf(tomorrowCard)).toContain('已过取消截止时间');
    expect(await tomorrowCard.getByRole('button', { name: /取消预约/ }).count()).toBe(0);
    expect(await textOf(page.getByRole('tab', { selected: true }))).toBe('即将就诊 (2)');
    await expectFitsPhone(page);
    await screenshot(page, 'portal-phone-appointments');

    // The staff see the portal booking: in the doctor's day and on the patient's record.
    const day = await staffGet('/appointment/day', { doctor_id: doctorId, date: soonDate() });
    expect(day.sessions).toEqual([
      expect.objectContaining({ period: 'morning', capacity: 2, booked: 1, remaining: 1 }),
    ]);
    expect(day.appointments).toEqual([
      expect.objectContaining({ patientName: '陈晓雨', status: 'booked', source: 'portal', period: 'morning' }),
    ]);
    const record = await staffGet(`/patient/${day.appointments[0].patientId}`, {});
    expect(record.patient).toMatchObject({
      doctorName: DOCTOR,
      address: '上海市徐汇区漕溪北路 88 号',
      medicalHistory: '青霉素过敏',
    });
    expect(Number(record.patient.orderTime)).toBeGreaterThan(unixNow());

    await soonCard.getByRole('button', { name: /取消预约/ }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /取消预约/ })
      .click();
    expect(await textOf(page.getByText('预约已取消'))).toBeTruthy();
    // A cancelled booking is no visit to come: it moves from 即将就诊 to 历史预约.
    await page.getByRole('tab', { name: '即将就诊 (1)' }).waitFor();
    await page.getByRole('tab', { name: '历史预约 (1)' }).click();
    await soonCard.getByText('已取消').waitFor();
    expect(await soonCard.getByRole('button', { name: /取消预约/ }).count()).toBe(0);
    const afterCancel = await staffGet('/appointment/day', { doctor_id: doctorId, date: soonDate() });
    expect(afterCancel.appointments[0]).toMatchObject({ status: 'cancelled', cancelledBy: 'patient' });
    expect(afterCancel.sessions[0]).toMatchObject({ booked: 0, remaining: 2 });
    await screenshot(page, 'portal-phone-cancelled');

    await page.getByRole('button', { name: /退出登录/ }).click();
    await seeTitle(page, '患者登录');
    // Signed out, a private page sends the patient to log in.
    await page.goto(`${server.baseUrl}/appointments`);
    await seeTitle(page, '患者登录');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('works on a desktop: header menu, appointments, English on request', async () => {
    const { context, pageErrors, page } = await openPage(DESKTOP_VIEWPORT);
    await logIn(page, phone, password);
    await page.getByRole('menu').getByRole('link', { name: '我的预约' }).click();
    await seeTitle(page, '我的预约');
    expect(await textOf(page.locator('.portal-card').filter({ hasText: tomorrow() }))).toContain('已预约');
    await screenshot(page, 'portal-desktop-appointments');
    // The portal's language switch is the browser's own select (a phone shows its own picker).
    const languages = page.getByRole('combobox', { name: '语言' });
    await languages.selectOption({ label: 'English' });
    await seeTitle(page, 'My appointments');
    expect(await textOf(page.getByRole('tab', { selected: true }))).toBe('Upcoming (1)');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
