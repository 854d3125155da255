import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession, clinicToday, createDoctor, daysFromToday, moveSession } from '../appointments/helpers.js';
import { STAFF, staffLogin, uniquePhone, unixNow } from '../support/fixtures.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestServer, type TestServer } from '../support/server.js';
import { chromiumAvailable, launchBrowser, newContext, screenshot } from './support/browser.js';

/*
 * Doctor accounts in a real Chromium (issue 19): the administrator creates an account linked to
 * a catalog doctor on 员工账号; a patient is booked with that doctor this afternoon; the doctor
 * signs in, opens 医生工作台, finds the patient in the afternoon session with their history, and
 * marks them arrived, then seen. The tests run in order and share the server.
 */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const DOCTOR_NAME = '周医生';
const USERNAME = 'doctor_zhou';
const PASSWORD = 'doctor-password-1';
const PATIENT = '周的患者';

let server: TestServer;
let browser: Browser;

async function signIn(username: string, password: string) {
  const { context, pageErrors } = await newContext(browser);
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/admin/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByLabel('密码').press('Enter');
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
  return { context, pageErrors, page };
}

async function pick(page: Page, option: string) {
  await page
    .locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${option}"]`)
    .click();
}

const toasts = (page: Page) =>
  page
    .locator('.ant-message-notice')
    .allInnerTexts()
    .then((texts) => texts.join(' | '));

describe.skipIf(!chromiumAvailable)('the doctor’s day in the browser', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer();
    const admin = await staffLogin(server.http);
    const doctorId = await createDoctor(server, DOCTOR_NAME);
    const created = await server.http.post(`${STAFF}/patient`, {
      bearer: admin,
      json: { name: PATIENT, tel: uniquePhone(), add_time: unixNow() - 86_400, state: 0, remarks: '怕打针' },
    });
    expect(created.status, created.text).toBe(201);
    const patientId = Number(created.body.newPatient.id);
    await server.database.db
      .updateTable('patients')
      .set({ medical_history: '青霉素过敏', age: 42, sex: 1 })
      .where('id', '=', patientId)
      .execute();
    await addSession(server, admin, doctorId, daysFromToday(3), 'afternoon', 5);
    const booked = await server.http.post(`${STAFF}/appointment`, {
      bearer: admin,
      json: {
        patient_id: patientId,
        doctor_id: doctorId,
        date: daysFromToday(3),
        period: 'afternoon',
        visit_reason: '术后复查',
      },
    });
    expect(booked.status, booked.text).toBe(201);
    await moveSession(server, Number(booked.body.appointment.id), clinicToday(), 'afternoon');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an administrator creates a doctor account linked to a catalog doctor', async () => {
    const { context, pageErrors, page } = await signIn(ADMIN_USERNAME, ADMIN_PASSWORD);
    await page.goto(`${server.baseUrl}/admin/staff-users`);
    await page.getByRole('button', { name: '新增员工' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('用户名').fill(USERNAME);
    await dialog.getByLabel('姓名').fill(DOCTOR_NAME);
    await dialog.getByLabel('密码').fill(PASSWORD);
    await dialog.getByLabel('角色').click();
    await pick(page, '医生');
    await dialog.getByLabel('关联医生').click();
    await pick(page, DOCTOR_NAME);
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    const row = page.locator('tbody tr.ant-table-row').filter({ hasText: USERNAME });
    await eventually(() => row.innerText()).toContain(DOCTOR_NAME);
    expect(await row.innerText()).toContain('医生');
    await screenshot(page, 'admin-staff-doctor-link');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('the doctor signs in, sees 医生工作台 with the patient this afternoon, marks arrived and seen', async () => {
    const { context, pageErrors, page } = await signIn(USERNAME, PASSWORD);
    // The menu offers 医生工作台 (under 工作台); the page opens from its address too.
    await page.goto(`${server.baseUrl}/admin/doctor-desk`);
    await eventually(() => page.getByRole('menuitem', { name: '医生工作台' }).count()).toBeGreaterThan(0);
    const afternoon = page.getByTestId('doctor-session-afternoon');
    const row = afternoon.locator('tbody tr.ant-table-row').filter({ hasText: PATIENT });
    await eventually(() => row.innerText()).toContain('青霉素过敏');
    const text = await row.innerText();
    expect(text).toContain('怕打针');
    expect(text).toContain('术后复查');
    expect(text).toContain('42 岁');
    expect(text).toContain('待到诊');
    expect(await page.getByTestId('doctor-session-morning').locator('tbody tr.ant-table-row').count()).toBe(0);
    await screenshot(page, 'admin-doctor-desk');

    await row.getByRole('button', { name: /^到\s*诊$/ }).click();
    await eventually(() => toasts(page)).toContain(`${PATIENT} 已到诊`);
    await eventually(() => row.innerText()).toContain('已到诊');
    await row.getByRole('button', { name: /^已\s*诊$/ }).click();
    await eventually(() => toasts(page)).toContain(`${PATIENT} 已标记为已诊`);
    await eventually(() => row.locator('.ant-tag').innerText()).toBe('已诊');
    expect(await row.getByRole('button').count()).toBe(0);

    // The next day is empty; the schedule is shown read-only.
    await page.getByRole('button', { name: '后一天' }).click();
    await eventually(() => afternoon.locator('tbody tr.ant-table-row').count()).toBe(0);
    await page.getByText('我的排班').first().waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
