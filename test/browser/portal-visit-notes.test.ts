import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLoginPatient, STAFF, staffLogin, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { chromiumAvailable, launchBrowser, newContext, PHONE_VIEWPORT, screenshot } from './support/browser.js';

/*
 * 我的病历 on a phone (issue 19): the patient reads the note the doctor released, with its
 * attachment, and never the one still internal.
 */
let server: TestServer;
let browser: Browser;
let patient: { phone: string; password: string };

const BOUNDARY = '----carepool-portal-notes';
const PDF = Buffer.from('%PDF-1.4\n% 血常规报告\n');

describe.skipIf(!chromiumAvailable)('visit notes in the portal', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const admin = await staffLogin(server.http);
    const registered = await registerAndLoginPatient(server.http, undefined, '林晓');
    patient = registered;
    const arrival = await server.http.post(`${STAFF}/patient/${registered.patientId}/arrival`, {
      bearer: admin,
      json: { reach_time: unixNow() },
    });
    expect(arrival.status, arrival.text).toBe(201);
    const visitId = arrival.body.visit.id;
    const write = async (json: Record<string, unknown>) => {
      const response = await server.http.post(`${STAFF}/visit/${visitId}/notes`, { bearer: admin, json });
      expect(response.status, response.text).toBe(201);
      return response.body.note.id as string;
    };
    const released = await write({ chief_complaint: '牙龈出血两周', advice: '软毛牙刷，两周后复查' });
    const attached = await server.http.post(`${STAFF}/visit/${visitId}/notes/${released}/attachments`, {
      bearer: admin,
      raw: Buffer.concat([
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="report.pdf"\r\n` +
            'Content-Type: application/pdf\r\n\r\n',
        ),
        PDF,
        Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
      ]),
      contentType: `multipart/form-data; boundary=${BOUNDARY}`,
    });
    expect(attached.status, attached.text).toBe(201);
    const release = await server.http.post(`${STAFF}/visit/${visitId}/notes/${released}/release`, {
      bearer: admin,
      json: {},
    });
    expect(release.status, release.text).toBe(200);
    await write({ chief_complaint: '内部记录，尚未发布' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the released note and its attachment from the home page; the unreleased one stays hidden', async () => {
    const { context, pageErrors } = await newContext(browser, { viewport: PHONE_VIEWPORT });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('手机号').fill(patient.phone);
    await page.getByLabel('密码').fill(patient.password);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(`${server.baseUrl}/`);

    await page.getByRole('link', { name: '我的病历' }).click();
    await page.getByRole('heading', { level: 3, name: '我的病历' }).waitFor();
    const note = page.getByRole('group', { name: /就诊$/ });
    await expect.poll(() => note.innerText()).toContain('牙龈出血两周');
    const text = await note.innerText();
    expect(text).toContain('软毛牙刷，两周后复查');
    expect(text).toContain('主诉');
    expect(await page.locator('main').innerText()).not.toContain('内部记录');
    await screenshot(page, 'portal-visit-notes');

    // The file needs the patient's token: the page fetches it and opens it from memory.
    const [file, popup] = await Promise.all([
      page.waitForResponse((response) => response.url().includes('/patient/visit-note-attachments/')),
      context.waitForEvent('page'),
      note.getByRole('button', { name: '附件 1（PDF）' }).click(),
    ]);
    expect(file.status()).toBe(200);
    // Chromium keeps no copy of a body the page read as a blob; its headers say what came.
    expect(file.headers()['content-type']).toBe('application/pdf');
    expect(Number(await file.headerValue('content-length'))).toBe(PDF.length);
    await expect.poll(() => popup.url()).toMatch(/^blob:/);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
