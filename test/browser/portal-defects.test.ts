import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ClinicCalendar } from '../../src/domain/clinic-time/clinic-calendar.js';
import { createPatientBody, registerAndLoginPatient, STAFF, staffLogin, unixNow } from '../support/fixtures.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestServer, type TestServer } from '../support/server.js';
import { chromiumAvailable, launchBrowser, newContext, PHONE_VIEWPORT, screenshot } from './support/browser.js';

/*
 * Issue 17's portal defects, checked on the screen: a cancelled booking listed as upcoming, no
 * clinic information, a favicon 404 on every page, the 8 px white frame, and times on the
 * browser's clock while "today" is the clinic's. The clinic is in Shanghai; one browser sits in
 * Shanghai, another in New York.
 */
const CLINIC = {
  CLINIC_NAME: '康源诊所',
  CLINIC_ADDRESS: '上海市徐汇区漕溪北路 88 号',
  CLINIC_PHONE: '021-6421 8888',
  CLINIC_HOURS: '周一至周六 08:00–17:30',
};
const ZONE = 'Asia/Shanghai';
const calendar = new ClinicCalendar(ZONE);
/** 1 Monday ... 7 Sunday, as the staff schedule API counts. */
const isoWeekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const sessionDate = () => addDays(calendar.dateAt(unixNow()), 3);
/** What a clock in `timeZone` reads for Unix seconds, as zh-CN writes it (the portal's format). */
const clockIn = (seconds: number, timeZone: string) =>
  new Date(seconds * 1000).toLocaleString('zh-CN', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });

describe.skipIf(!chromiumAvailable)('portal defects of issue 17 in Chromium', { timeout: 120_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: string;
  let doctorId: number;
  let patient: Awaited<ReturnType<typeof registerAndLoginPatient>>;

  beforeAll(async () => {
    server = await startTestServer(CLINIC);
    admin = await staffLogin(server.http);
    const departments = await server.http.get('/patient/departments');
    const doctor = await server.http.post(`${STAFF}/doctors`, {
      bearer: admin,
      json: { name: '林静怡', department_id: departments.body.data[0].id, title: '主任医师', specialty: '胃炎' },
    });
    expect(doctor.status, JSON.stringify(doctor.body)).toBe(201);
    doctorId = Number(doctor.body.doctor.id);
    const weekly = await server.http.put(
      `${STAFF}/schedule/doctors/${doctorId}/weekly/${isoWeekday(sessionDate())}/morning`,
      { bearer: admin, json: { capacity: 2 } },
    );
    expect(weekly.status, JSON.stringify(weekly.body)).toBe(200);
    patient = await registerAndLoginPatient(server.http, undefined, '陈晓雨');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function book() {
    const booked = await server.http.post('/patient/appointments', {
      bearer: patient.token,
      json: { doctor_id: doctorId, date: sessionDate(), period: 'morning' },
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    return booked.body.data as { id: number; cancel_deadline: number };
  }

  async function logIn(page: Page) {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('手机号').fill(patient.phone);
    await page.getByLabel('密码').fill(patient.password);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await page.getByRole('heading', { level: 3, name: /您好$/ }).waitFor();
  }

  const selectedTab = (page: Page) => page.getByRole('tab', { selected: true });

  it('a cancelled booking leaves 即将就诊 and is listed under 历史预约 as 已取消, also after a reload', async () => {
    await book();
    const { context, pageErrors } = await newContext(browser, { viewport: PHONE_VIEWPORT, timezoneId: ZONE });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await logIn(page);
    await page.goto(`${server.baseUrl}/appointments`);
    await expect.poll(() => selectedTab(page).innerText()).toBe('即将就诊 (1)');
    const card = page.locator('.portal-card').filter({ hasText: sessionDate() });
    await card.getByRole('button', { name: /取消预约/ }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /取消预约/ })
      .click();
    await page.getByText('预约已取消').waitFor();
    await expect.poll(() => selectedTab(page).innerText()).toBe('即将就诊 (0)');
    await page.getByText('暂无预约').waitFor();
    expect(await card.count()).toBe(0);
    await screenshot(page, 'portal-defects-cancelled-upcoming');

    await page.reload();
    await expect.poll(() => selectedTab(page).innerText()).toBe('即将就诊 (0)');
    await page.getByRole('tab', { name: '历史预约 (1)' }).click();
    await card.getByText('已取消').waitFor();
    expect(await card.getByRole('button', { name: /取消预约/ }).count()).toBe(0);
    await screenshot(page, 'portal-defects-cancelled-past');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows the clinic name, address, hours and a phone link; a favicon and no white frame on any page', async () => {
    const info = await server.http.get('/patient/clinic');
    expect(info.status).toBe(200);
    expect(info.body.data).toEqual({
      name: CLINIC.CLINIC_NAME,
      address: CLINIC.CLINIC_ADDRESS,
      phone: CLINIC.CLINIC_PHONE,
      hours: CLINIC.CLINIC_HOURS,
      timezone: ZONE,
    });

    for (const viewport of [PHONE_VIEWPORT, undefined]) {
      const { context, pageErrors } = await newContext(browser, {
        ...(viewport ? { viewport } : {}),
        timezoneId: ZONE,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const failed: string[] = [];
      page.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      await page.goto(`${server.baseUrl}/`);
      const card = page.getByLabel('就诊信息');
      await card.waitFor();
      const shown = await card.innerText();
      for (const value of [CLINIC.CLINIC_NAME, CLINIC.CLINIC_ADDRESS, CLINIC.CLINIC_HOURS, CLINIC.CLINIC_PHONE])
        expect(shown).toContain(value);
      const calls = page.getByRole('link', { name: `拨打 ${CLINIC.CLINIC_PHONE}` });
      expect(await calls.count()).toBe(2); // the card and every page's footer
      for (const link of await calls.all()) expect(await link.getAttribute('href')).toBe('tel:02164218888');
      expect(await page.locator('footer').innerText()).toContain(CLINIC.CLINIC_NAME);
      // The browser is in the clinic's zone: no clock label.
      expect(await page.getByTestId('clinic-time-note').count()).toBe(0);
      await screenshot(page, viewport ? 'portal-defects-clinic-phone' : 'portal-defects-clinic-desktop');

      for (const path of ['/', '/doctors', '/login', '/admin/login']) {
        await page.goto(`${server.baseUrl}${path}`);
        await page.locator('#root *').first().waitFor();
        // Edge to edge: the body has no margin, the first thing on the page starts at the corner.
        const frame = await page.evaluate(() => {
          const box = document.querySelector('#root > *')?.getBoundingClientRect();
          return { margin: getComputedStyle(document.body).margin, left: box?.left, top: box?.top };
        });
        expect(frame, path).toEqual({ margin: '0px', left: 0, top: 0 });
        expect(await page.locator('link[rel=icon]').count(), path).toBeGreaterThan(0);
      }
      if (viewport) {
        await page.goto(`${server.baseUrl}/`);
        await page.getByLabel('就诊信息').waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      }
      // The browser asks for /favicon.ico by itself; it and the linked SVG are real images.
      const ico = await page.request.get(`${server.baseUrl}/favicon.ico`);
      expect(ico.status()).toBe(200);
      expect(ico.headers()['content-type']).toMatch(/icon/);
      expect([...(await ico.body()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
      const svg = await page.request.get(`${server.baseUrl}/favicon.svg`);
      expect([svg.status(), svg.headers()['content-type']]).toEqual([200, expect.stringMatching(/image\/svg\+xml/)]);
      expect(failed).toEqual([]);
      expect(pageErrors).toEqual([]);
      await context.close();
    }
  });

  it('a browser in New York sees clinic times, labelled 北京时间, on the portal and in the back office', async () => {
    const booking = await book();
    const { context, pageErrors } = await newContext(browser, { timezoneId: 'America/New_York' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await logIn(page);
    await page.goto(`${server.baseUrl}/appointments`);
    const card = page.locator('.portal-card').filter({ hasText: sessionDate() });
    await card.getByText(/可在 .+ 前取消/).waitFor();
    const deadline = clockIn(booking.cancel_deadline, ZONE);
    expect(deadline).toMatch(/ 18:00$/); // BOOKING_CANCEL_CUTOFF's default: the day before at 18:00 clinic time
    expect(await card.innerText()).toContain(`可在 ${deadline} 前取消`);
    expect(await card.innerText()).not.toContain(clockIn(booking.cancel_deadline, 'America/New_York'));
    expect(await page.getByTestId('clinic-time-note').innerText()).toBe('页面上的时间均为北京时间');
    await screenshot(page, 'portal-defects-new-york');

    // The back office: a patient registered an hour ago shows the clinic's clock in the pool.
    const addTime = unixNow() - 3600;
    const created = await server.http.post(`${STAFF}/patient/`, {
      bearer: admin,
      json: createPatientBody({ name: '时区测试', add_time: addTime }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await page.goto(`${server.baseUrl}/admin/login`);
    await page.getByLabel('用户名').fill(ADMIN_USERNAME);
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByLabel('密码').press('Enter');
    await page.waitForURL('**/admin/dashboard');
    await page.goto(`${server.baseUrl}/admin/patients`);
    const row = page.locator('tbody tr.ant-table-row').filter({ hasText: '时区测试' });
    await row.waitFor();
    const clinicClock = new Date(addTime * 1000)
      .toLocaleString('sv-SE', { timeZone: ZONE, hour12: false })
      .slice(0, 16);
    const newYorkClock = new Date(addTime * 1000)
      .toLocaleString('sv-SE', { timeZone: 'America/New_York', hour12: false })
      .slice(0, 16);
    expect(await row.innerText()).toContain(clinicClock);
    expect(await row.innerText()).not.toContain(newYorkClock);
    expect(await page.getByTestId('clinic-time-note').innerText()).toBe('页面上的时间均为北京时间');
    await screenshot(page, 'portal-defects-admin-new-york');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
