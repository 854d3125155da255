import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogId, recordTestArrival } from '../statistics/support.js';
import { STAFF, staffLogin, uniquePhone, unixNow } from '../support/fixtures.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestServer, type TestServer } from '../support/server.js';
import { chromiumAvailable, launchBrowser, newContext, screenshot } from './support/browser.js';

/*
 * Issue 17's figures in a real Chromium against the real server: the statistics page's two
 * views (the cohort funnel never above 100%, each total equal to the patient list it opens),
 * every rate with what it divides by, the dashboard's cards opening their patients, and the
 * marketing cost screen (spend typed in, cost per arrival = spend / arrivals on screen).
 */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const CHANNEL = '百度推广';

let server: TestServer;
let browser: Browser;
let admin: string;

async function createPatient(fields: Record<string, unknown>): Promise<number> {
  const response = await server.http.post(`${STAFF}/patient`, {
    bearer: admin,
    json: { tel: uniquePhone(), state: 0, ...fields },
  });
  expect(response.status, response.text).toBe(201);
  return Number(response.body.newPatient.id);
}

async function openPage() {
  const { context, pageErrors } = await newContext(browser);
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/admin/login`);
  await page.getByLabel('用户名').fill(ADMIN_USERNAME);
  await page.getByLabel('密码').fill(ADMIN_PASSWORD);
  await page.getByLabel('密码').press('Enter');
  await page.waitForURL('**/admin/dashboard');
  return { context, pageErrors, page };
}

const toasts = (page: Page) =>
  page
    .locator('.ant-message-notice')
    .allInnerTexts()
    .then((texts) => texts.join(' | '));
const numberIn = async (locator: Locator) => Number((await locator.innerText()).replace(/[^\d]/g, ''));

/** Opens the list behind a count (its link), reads the list's own total, closes it. */
async function listTotalBehind(page: Page, link: Locator): Promise<number> {
  await link.click();
  const total = page.getByTestId('patient-list-total');
  await eventually(() => total.innerText()).toMatch(/共 \d+ 位客户/);
  const count = await numberIn(total);
  await closeList(page);
  return count;
}

/** Closes the patient-list drawer with its close button (Escape reaches it only once it has focus). */
async function closeList(page: Page) {
  const total = page.getByTestId('patient-list-total');
  await page.locator('.ant-drawer-content').filter({ has: total }).locator('.ant-drawer-close').click();
  await total.waitFor({ state: 'detached' });
}

describe.skipIf(!chromiumAvailable)('issue 17 figures in the browser', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer();
    admin = await staffLogin(server.http);
    const channel = await catalogId(server, 'channels', CHANNEL);
    const now = unixNow();
    const registered = now - 120;
    // This month's cohort: booked and came; booked only; walked in without booking; lost.
    const bookedArrived = await createPatient({
      name: '预约到诊',
      add_time: registered,
      order_time: now - 90,
      media_from_id: channel,
    });
    await createPatient({ name: '仅预约', add_time: registered, order_time: now - 90, media_from_id: channel });
    const walkIn = await createPatient({ name: '直接到诊', add_time: registered, media_from_id: channel });
    await createPatient({ name: '已流失', add_time: registered, state: 2, media_from_id: channel });
    // Registered 40 days ago, first arrival now: an arrival of this month's activity, not of its cohort.
    const earlier = await createPatient({ name: '上月咨询', add_time: now - 40 * 86_400, media_from_id: channel });
    await recordTestArrival(server, bookedArrived, now - 60, 50_000);
    await recordTestArrival(server, walkIn, now - 60);
    await recordTestArrival(server, earlier, now - 60);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the cohort funnel by default, never above 100%, each total equal to the list it opens', async () => {
    const { context, pageErrors, page } = await openPage();
    await page.goto(`${server.baseUrl}/admin/funnel`);
    await eventually(() => page.getByTestId('view-explanation').innerText()).toContain('按登记批次');
    const expected = { inquiries: 4, appointments: 2, arrivals: 2, bookedArrivals: 1, lost: 1 };
    for (const [figure, count] of Object.entries(expected)) {
      const card = page.getByTestId(`total-${figure}`);
      await eventually(() => numberIn(card.getByRole('button'))).toBe(count);
      // The count opens GET patient/ under the same filters: its total is the figure.
      expect(await listTotalBehind(page, card.getByRole('button'))).toBe(count);
    }
    const rates = await page.getByTestId('funnel-rates').innerText();
    expect(rates).toContain('到诊率 50.0% = 预约且到诊 1 / 预约 2');
    expect(rates).toContain('预约率 50.0% = 预约 2 / 咨询 4');
    expect(rates).toContain('流失率 25.0% = 流失 1 / 咨询 4');
    const percents = [...rates.matchAll(/(\d+\.\d)%/g)].map((match) => Number(match[1]));
    expect(percents.length).toBe(4);
    for (const percent of percents) expect(percent).toBeLessThanOrEqual(100);
    // The channel's row opens its own patients too.
    const row = page.getByTestId('funnel-groups').locator('tbody tr.ant-table-row').filter({ hasText: CHANNEL });
    expect(await listTotalBehind(page, row.getByRole('button', { name: /到诊/ }).first())).toBe(2);
    await screenshot(page, 'admin-statistics-cohort');

    await page.getByText('按发生时间', { exact: true }).click();
    await eventually(() => page.getByTestId('view-explanation').innerText()).toContain('按发生时间');
    const arrivals = page.getByTestId('total-arrivals').getByRole('button');
    await eventually(() => numberIn(arrivals)).toBe(3);
    expect(await listTotalBehind(page, arrivals)).toBe(3);
    // Activity: arrivals and appointments are different patients, and the screen says so.
    await eventually(() => page.getByTestId('funnel-rates').innerText()).toContain('到诊率 150.0% = 到诊 3 / 预约 2');
    expect(await page.getByTestId('funnel-totals').innerText()).toContain('到诊率可能超过 100%');
    await screenshot(page, 'admin-statistics-activity');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("opens the patients behind the dashboard's cards", async () => {
    const { context, pageErrors, page } = await openPage();
    const today = page.getByTestId('dashboard-today');
    const inquiries = today.getByRole('button', { name: /咨询量/ });
    await eventually(() => numberIn(inquiries)).toBe(4);
    await inquiries.click();
    await eventually(() => page.getByTestId('patient-list-total').innerText()).toBe('共 4 位客户');
    expect(await page.getByTestId('patient-list').locator('tbody tr.ant-table-row').count()).toBe(4);
    await screenshot(page, 'admin-dashboard-list');
    await closeList(page);
    const arrivals = today.getByRole('button', { name: /到诊量/ });
    expect(await numberIn(arrivals)).toBe(3);
    expect(await listTotalBehind(page, arrivals)).toBe(3);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('takes spend per channel and month and shows cost per arrival = spend / arrivals', async () => {
    const { context, pageErrors, page } = await openPage();
    await page.goto(`${server.baseUrl}/admin/marketing-costs`);
    const amount = page.getByLabel(new RegExp(`^${CHANNEL} \\d{4}-\\d{2} 花费`));
    await amount.fill('3100');
    await page.getByRole('button', { name: '保存本月费用' }).click();
    await eventually(() => toasts(page)).toMatch(/已保存 \d{4}-\d{2} 的 1 项费用/);
    const perArrival = page.getByTestId('cost-costPerArrival');
    await eventually(() => perArrival.innerText()).toContain('花费 3,100.00 元');
    const text = await perArrival.innerText();
    const [, cost, spend, arrivals] = text.match(/每到诊成本 ([\d,.]+) 元 = 花费 ([\d,.]+) 元 \/ 到诊 (\d+)/) ?? [];
    const yuan = (value: string | undefined) => Number(value?.replace(/,/g, ''));
    expect(Number(arrivals)).toBe(2);
    expect(yuan(cost)).toBeCloseTo(yuan(spend) / Number(arrivals), 2);
    expect(yuan(cost)).toBe(1550);
    const totals = await page.getByTestId('cost-totals').innerText();
    expect(totals).toContain('每咨询成本 775.00 元 = 花费 3,100.00 元 / 咨询 4');
    expect(totals).toContain('0.16 = 消费 500.00 元 / 花费 3,100.00 元');
    const row = page.getByTestId('cost-rows').locator('tbody tr.ant-table-row').filter({ hasText: CHANNEL });
    expect((await row.innerText()).replace(/\s+/g, ' ')).toContain(
      '3,100.00 元 4 2 2 500.00 元 775.00 元 1,550.00 元 1,550.00 元 0.16',
    );
    // The stored entry shows who entered it.
    await eventually(() => page.getByTestId('cost-entry').innerText()).toMatch(/3,100\.00 元 · /);
    await screenshot(page, 'admin-marketing-costs');

    // Import: the dry run names each problem by its line and writes nothing; a clean file commits.
    const month = await page.getByLabel('月份', { exact: true }).inputValue();
    const file = (text: string) => ({ name: 'costs.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
    const upload = page.locator('input[type=file]');
    await upload.setInputFiles(file(`渠道,月份,金额\n微信公众号,${month},620\n没有这个渠道,${month},100\n`));
    const report = page.getByTestId('cost-import-report');
    await eventually(() => report.innerText()).toContain('文件共 2 行数据，可导入 1 行，已写入 0 行');
    expect((await report.innerText()).replace(/\s+/g, ' ')).toMatch(/3 渠道 \S+/);
    expect(await page.getByRole('button', { name: '确认导入' }).isDisabled()).toBe(true);
    await upload.setInputFiles(file(`渠道,月份,金额\n微信公众号,${month},620\n`));
    await eventually(async () => (await report.innerText()).replace(/\s+/g, ' ')).toContain(
      `2 微信公众号 ${month} 620.00 元 —`,
    );
    await page.getByRole('button', { name: '确认导入' }).click();
    await eventually(() => toasts(page)).toContain('已导入 1 项费用');
    // The report follows: 3,100 + 620 spent over the same 2 arrivals.
    await eventually(() => perArrival.innerText()).toContain('每到诊成本 1,860.00 元 = 花费 3,720.00 元 / 到诊 2');
    await screenshot(page, 'admin-marketing-costs-import');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
