import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). Without
 * /usr/bin/chromium the browser tests skip with a message, except under CI=true where
 * .ci/run installs it and its absence is a failure.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);
if (!chromiumAvailable) {
  if (process.env.CI === 'true')
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: .ci/run installs it (apt-get install chromium)`);
  console.warn(
    `SKIPPING browser tests: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-wqy-microhei)`,
  );
}

export const SCREENSHOT_DIR = path.resolve('test-results/screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const PHONE_VIEWPORT = { width: 375, height: 812 };
export const DESKTOP_VIEWPORT = { width: 1440, height: 900 };

/**
 * A fresh context that fails the test on any page error or unhandled rejection.
 * It asks for reduced motion, which the UI honours: a dialog that zooms in from the clicked
 * button is still moving when a test clicks its OK button, and on a loaded machine that
 * click could land on the mask behind it and close the dialog unsaved.
 */
export async function newContext(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; locale?: string; timezoneId?: string } = {},
) {
  const context: BrowserContext = await browser.newContext({
    viewport: options.viewport ?? DESKTOP_VIEWPORT,
    locale: options.locale ?? 'zh-CN',
    reducedMotion: 'reduce',
    // The browser's own zone by default; a test of clinic time sets another.
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  const pageErrors: string[] = [];
  context.on('page', (page) => trackErrors(page, pageErrors));
  return { context, pageErrors };
}

function trackErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(error.message));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
