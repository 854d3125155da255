import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatientBody, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestServer, type TestServer } from '../support/server.js';
import { chromiumAvailable, launchBrowser, newContext, screenshot } from './support/browser.js';

/*
 * The 病历 panel under a visit of the patient drawer (issue 19): the current note, its versions,
 * writing one, amending it with a reason and releasing it to the patient.
 */
let server: TestServer;
let browser: Browser;

describe.skipIf(!chromiumAvailable)('visit notes in the back office', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const admin = await staffLogin(server.http);
    const created = await server.http.post(`${STAFF}/patient/`, {
      bearer: admin,
      json: createPatientBody({ name: '病历测试', tel: uniquePhone() }),
    });
    expect(created.status, created.text).toBe(201);
    const arrival = await server.http.post(`${STAFF}/patient/${created.body.newPatient.id}/arrival`, {
      bearer: admin,
      json: { reach_time: Math.floor(Date.now() / 1000) },
    });
    expect(arrival.status, arrival.text).toBe(201);
    const note = await server.http.post(`${STAFF}/visit/${arrival.body.visit.id}/notes`, {
      bearer: admin,
      json: { chief_complaint: '咳嗽一周', advice: '多喝水' },
    });
    expect(note.status, note.text).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the note, writes, amends with a reason, lists the versions and releases', async () => {
    const { context, pageErrors } = await newContext(browser);
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/admin/login`);
    await page.getByLabel('用户名').fill(ADMIN_USERNAME);
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByLabel('密码').press('Enter');
    await page.waitForURL('**/admin/dashboard');
    const toasts = () =>
      page
        .locator('.ant-message-notice')
        .allInnerTexts()
        .then((texts) => texts.join(' | '));

    await page.goto(`${server.baseUrl}/admin/patients`);
    await page.locator('tbody tr.ant-table-row').first().getByText('详情').click();
    const drawer = page.locator('.ant-drawer-content');
    await drawer.getByText('到诊记录').click();
    await drawer.locator('.ant-table-row-expand-icon').first().click();
    const panel = drawer.getByRole('region', { name: '病历' });
    await expect.poll(() => panel.innerText()).toContain('咳嗽一周');

    await panel.getByRole('button', { name: '书写病历' }).click();
    const writeDialog = page.getByRole('dialog', { name: '书写病历' });
    await writeDialog.getByLabel('主诉').fill('复诊：咳嗽好转');
    await writeDialog.getByRole('button', { name: /确\s*定/ }).click();
    await expect.poll(toasts, { timeout: 15_000 }).toContain('病历已保存');
    await expect.poll(() => panel.innerText()).toContain('复诊：咳嗽好转');

    await panel
      .getByRole('button', { name: /^修\s*改$/ })
      .first()
      .click();
    const amendDialog = page.getByRole('dialog', { name: /修改病历/ });
    await amendDialog.getByLabel('医嘱').fill('多喝水，按时服药');
    await amendDialog.getByLabel('修改原因').fill('补充医嘱');
    await amendDialog.getByRole('button', { name: /确\s*定/ }).click();
    await expect.poll(toasts, { timeout: 15_000 }).toContain('已保存为第 2 版');
    await expect.poll(() => panel.innerText()).toContain('补充医嘱');

    await panel.getByRole('button', { name: '历史版本' }).first().click();
    const versions = page.getByRole('dialog', { name: '历史版本' });
    await expect.poll(() => versions.innerText()).toContain('第 1 版');
    expect(await versions.innerText()).toContain('第 2 版');
    await screenshot(page, 'admin-visit-note-versions');
    await page.keyboard.press('Escape');

    await panel.getByRole('button', { name: '发布给患者' }).first().click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await expect.poll(toasts, { timeout: 15_000 }).toContain('病历已发布');
    await expect.poll(() => panel.innerText()).toContain('已发布');
    await screenshot(page, 'admin-visit-notes');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
