import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatientBody, createStaffUser, DEFAULT_ROLE, STAFF } from '../support/fixtures.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestServer, type TestServer } from '../support/server.js';
import { chromiumAvailable, launchBrowser, newContext, screenshot } from './support/browser.js';

/**
 * The back office in a real Chromium against the real server on a fresh database: what a
 * consultant and a manager see and do, checked on the screen.
 */
describe.skipIf(!chromiumAvailable)('back office in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(page: Page, username: string, password: string) {
    await page.goto(`${server.baseUrl}/admin/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByLabel('密码').press('Enter');
  }

  it('staff sign in, register with the duplicate warning, filter, confirm arrival, see the figures change and export', async () => {
    const { context, pageErrors } = await newContext(browser);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const phone = '13812345678';

    await signIn(page, ADMIN_USERNAME, 'not-the-password');
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('密码错误');
    await screenshot(page, 'admin-login-error');

    await signIn(page, ADMIN_USERNAME, ADMIN_PASSWORD);
    await page.waitForURL('**/admin/dashboard');
    const today = page.getByTestId('dashboard-today');
    await expect.poll(() => today.innerText()).toMatch(/咨询量\s*0/);
    for (const entry of ['仪表盘', '客户池', '数据中心', '操作日志'])
      await expect.poll(() => page.getByRole('menu').first().innerText()).toContain(entry);
    await expect.poll(() => page.getByTestId('current-user').innerText()).toBe(ADMIN_USERNAME);

    await page.goto(`${server.baseUrl}/admin/regsiter`);
    await page.getByLabel('姓名').fill('张三丰');
    await page.getByLabel('电话').fill(phone);
    await page.getByRole('button', { name: '保存登记' }).click();
    await page.getByText('已登记 张三丰').waitFor();
    await screenshot(page, 'admin-register');

    await page.getByLabel('姓名').fill('张三丰二');
    await page.getByLabel('电话').fill(phone);
    await page.getByRole('button', { name: '保存登记' }).click();
    const warning = page.getByRole('dialog');
    await warning.getByText('已有 1 条重复记录').waitFor();
    expect(await warning.locator('tbody tr').count()).toBe(1);
    expect(await warning.locator('tbody').innerText()).toContain('张三丰');
    await screenshot(page, 'admin-duplicate-warning');
    await warning.getByRole('button', { name: '仍然保存' }).click();
    await page.getByText('已登记 张三丰二').waitFor();

    await page.goto(`${server.baseUrl}/admin/patients`);
    await page.locator('tbody tr.ant-table-row').first().waitFor();
    expect(await page.locator('tbody tr.ant-table-row').count()).toBe(2);
    await page.getByLabel('关键词').fill('张三丰二');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await expect.poll(() => page.locator('tbody tr.ant-table-row').count()).toBe(1);
    const row = page.locator('tbody tr.ant-table-row').first();
    expect(await row.innerText()).toContain(phone);

    await row.getByText('确认到诊').click();
    const arrival = page.getByRole('dialog');
    await arrival.getByText('确认到诊：张三丰二').waitFor();
    await arrival.getByRole('button', { name: /确\s*定/ }).click();
    // Polling the toasts' text: a failure then shows the message that appeared instead (an API error, say).
    await expect
      .poll(async () => (await page.locator('.ant-message-notice').allInnerTexts()).join(' | '), { timeout: 15_000 })
      .toContain('已确认 张三丰二 到诊');
    await expect.poll(() => page.locator('tbody tr.ant-table-row').first().innerText()).toContain('已到');
    await screenshot(page, 'admin-patient-pool');

    await page.locator('tbody tr.ant-table-row').first().getByText('详情').click();
    const drawer = page.locator('.ant-drawer-content');
    await drawer.getByText('到诊记录').click();
    await expect.poll(() => drawer.locator('.ant-tabs-tabpane-active').innerText()).toContain('初诊');
    await drawer.getByText('操作记录').click();
    await expect.poll(() => drawer.locator('.ant-tabs-tabpane-active').innerText()).toContain('确认到诊');
    await screenshot(page, 'admin-patient-detail');
    await page.keyboard.press('Escape');

    await page.goto(`${server.baseUrl}/admin/dashboard`);
    await expect.poll(() => page.getByTestId('dashboard-today').innerText()).toMatch(/咨询量\s*2[\s\S]*到诊量\s*1/);
    await screenshot(page, 'admin-dashboard');

    await page.goto(`${server.baseUrl}/admin/funnel`);
    await expect.poll(() => page.getByTestId('funnel-totals').innerText()).toMatch(/咨询量\s*2[\s\S]*到诊量\s*1/);
    await expect.poll(() => page.locator('tbody tr.ant-table-row').first().innerText()).toMatch(/未填写\s*2\s*0\s*1/);
    await screenshot(page, 'admin-statistics');

    await page.goto(`${server.baseUrl}/admin/patients-transfer`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /导出 CSV/ }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('张三丰二');
    expect(csv).toContain(phone);
    expect(csv.trim().split(/\r?\n/)).toHaveLength(3);

    expect(pageErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it("a consultant sees only their own patients and not the other consultant's", async () => {
    const first = await createStaffUser(server, 'consultant_a', DEFAULT_ROLE.consultant);
    await createStaffUser(server, 'consultant_b', DEFAULT_ROLE.consultant);
    const created = await server.http.post(`${STAFF}/patient/`, {
      json: createPatientBody({ name: '甲的客户', tel: '13900001111' }),
      headers: { authorization: `Bearer ${first.token}` },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const { context, pageErrors } = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, 'consultant_b', 'staff-password-1');
    await page.waitForURL('**/admin/dashboard');
    await expect.poll(() => page.getByRole('menu').first().innerText()).toContain('客户池');
    expect(await page.getByRole('menu').first().innerText()).not.toContain('操作日志');

    await page.goto(`${server.baseUrl}/admin/regsiter`);
    await page.getByLabel('姓名').fill('乙的客户');
    await page.getByRole('button', { name: '保存登记' }).click();
    await page.getByText('已登记 乙的客户').waitFor();

    await page.goto(`${server.baseUrl}/admin/patients`);
    await page.locator('tbody tr.ant-table-row').first().waitFor();
    const table = await page.locator('tbody').first().innerText();
    expect(table).toContain('乙的客户');
    expect(table).not.toContain('甲的客户');
    expect(table).not.toContain('张三丰');
    expect(await page.locator('tbody tr.ant-table-row').count()).toBe(1);
    await screenshot(page, 'admin-consultant-pool');

    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);
});
