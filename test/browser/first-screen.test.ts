import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { chromiumAvailable, DESKTOP_VIEWPORT, launchBrowser, newContext, PHONE_VIEWPORT } from './support/browser.js';

/**
 * The first screen painted from the HTML (web/first-screen/paint.ts, issue 18): before any script has
 * arrived the patient already sees the page's header and heading, in the language the app will pick;
 * then the app replaces the picture with the real page, whose heading stands where the picture's stood,
 * and nothing on the screen moves (no layout shift). The scripts are held back until the test lets them
 * go, so "before" and "after" are states, not timings.
 */
let server: TestServer;
let browser: Browser;

/** Opens a page with every script held back; `release` lets them load. */
async function openHeld(path: string, options: { viewport: { width: number; height: number }; language?: string }) {
  const { context, pageErrors } = await newContext(browser, { viewport: options.viewport });
  await context.addInitScript((language) => {
    if (language) localStorage.setItem('carepool.language', language);
    const shifts = { total: 0 };
    (window as unknown as { __shifts: typeof shifts }).__shifts = shifts;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number })[]) shifts.total += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  }, options.language ?? null);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  await context.route('**/assets/**', async (route) => {
    await gate;
    await route.continue();
  });
  const page = await context.newPage();
  // Not 'domcontentloaded': that waits for the module scripts, which are held back.
  await page.goto(`${server.baseUrl}${path}`, { waitUntil: 'commit' });
  return { context, page, pageErrors, release };
}

const firstScreen = (page: Page) => page.locator('#first-screen');
const layoutShift = (page: Page) =>
  page.evaluate(() => (window as unknown as { __shifts: { total: number } }).__shifts.total);

describe.skipIf(!chromiumAvailable)('the first screen painted from the HTML', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the portal's login page before any script, then the real page takes its place without moving", async () => {
    const { context, page, pageErrors, release } = await openHeld('/login', { viewport: PHONE_VIEWPORT });
    // No script has run: the picture is all there is.
    await firstScreen(page).getByText('CarePool 患者服务').waitFor();
    const picturedHeading = firstScreen(page).getByText('患者登录', { exact: true });
    await picturedHeading.waitFor();
    const before = await picturedHeading.boundingBox();
    expect(await page.locator('#root').innerHTML()).toBe('');

    release();
    const heading = page.getByRole('heading', { name: '患者登录' });
    await heading.waitFor();
    expect(await firstScreen(page).count()).toBe(0);
    expect(await heading.boundingBox()).toEqual(before);
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await layoutShift(page)).toBe(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('speaks the language the app will pick (English when chosen), on the home page', async () => {
    const { context, page, release } = await openHeld('/', { viewport: PHONE_VIEWPORT, language: 'en' });
    await firstScreen(page).getByText('Welcome to the CarePool patient portal').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    release();
    await page.getByRole('heading', { name: 'Welcome to the CarePool patient portal' }).waitFor();
    expect(await firstScreen(page).count()).toBe(0);
    expect(await layoutShift(page)).toBe(0);
    await context.close();
  });

  it("shows the back office's sign-in before any script, and the real form takes its place", async () => {
    const { context, page, pageErrors, release } = await openHeld('/admin/login', { viewport: DESKTOP_VIEWPORT });
    const picturedTitle = firstScreen(page).getByText('CarePool 管理后台');
    await picturedTitle.waitFor();
    const before = await picturedTitle.boundingBox();
    release();
    const title = page.getByRole('heading', { name: 'CarePool 管理后台' });
    await title.waitFor();
    expect(await firstScreen(page).count()).toBe(0);
    expect(await title.boundingBox()).toEqual(before);
    expect(await page.getByRole('button', { name: /登\s*录/ }).isEnabled()).toBe(true);
    expect(await layoutShift(page)).toBe(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
