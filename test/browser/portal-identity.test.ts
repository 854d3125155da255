import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastCodeSentTo } from '../notifications/support/messages.js';
import { createPatientBody, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { chromiumAvailable, launchBrowser, newContext, PHONE_VIEWPORT, screenshot } from './support/browser.js';

/*
 * Issue 16's portal screens in a real Chromium on a 375-px phone: registering with an SMS code
 * (and landing signed in), 忘记密码, proving the phone of an account registered without a code,
 * changing the phone with a code sent to the new number, and the notification settings.
 * The code a test types is the one the server queued: with the log transport the SMS stays in
 * the outbox (as the back office's delivery log shows it until sent), read as test/portal does.
 */
let server: TestServer;
let browser: Browser;
let admin: string;

const clinicPhone = uniquePhone();
/** Registered without a code by someone (test 2 recovers it by 忘记密码, test 4 moves it to a new phone). */
const resetPhone = uniquePhone();
const password = 'identity-pass-1';
const newPassword = 'identity-pass-2';
const wrongCode = (code: string) => (code === '000000' ? '000001' : '000000');

async function openPage() {
  const { context, pageErrors } = await newContext(browser, { viewport: PHONE_VIEWPORT });
  context.setDefaultTimeout(20_000);
  return { context, pageErrors, page: await context.newPage() };
}

async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor();
  return (await locator.first().textContent()) ?? '';
}

async function seeTitle(page: Page, title: string | RegExp) {
  await page.getByRole('heading', { level: 3, name: title }).waitFor();
}

/** Nothing scrolls sideways on the phone. */
async function expectFitsPhone(page: Page) {
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth), { timeout: 3000 })
    .toBeLessThanOrEqual(PHONE_VIEWPORT.width);
}

/** The explanation under the code field, once the server answered. */
const codeNote = (page: Page) => page.getByText(/验证码已发送，5 分钟内有效/);

describe.skipIf(!chromiumAvailable)('portal identity screens in Chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer();
    admin = await staffLogin(server.http);
    // The clinic already holds a record for the phone (entered by staff), as for a returning patient.
    const created = await server.http.post(`${STAFF}/patient/`, {
      bearer: admin,
      json: createPatientBody({ name: '陈美玲', tel: clinicPhone, sex: 1, area: '杭州' }),
    });
    expect(created.status, created.text).toBe(201);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('registers with a code on a phone the clinic holds: a wrong code is named, then signed in on the clinic record', async () => {
    const { context, pageErrors, page } = await openPage();
    await page.goto(`${server.baseUrl}/register`);
    await page.getByLabel('手机号').fill(clinicPhone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await codeNote(page).waitFor();
    // The 60-second countdown: the button says when another code may be asked for.
    expect(await textOf(page.getByRole('button', { name: /秒后重新获取/ }))).toMatch(/^(60|59|58) 秒后重新获取$/);
    expect(await page.getByRole('button', { name: /秒后重新获取/ }).isDisabled()).toBe(true);
    const code = await lastCodeSentTo(server, clinicPhone);

    await page.getByLabel('短信验证码').fill(wrongCode(code));
    await page.getByLabel('姓名').fill('小陈');
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByLabel('确认密码').fill(password);
    await page.getByRole('button', { name: /注\s*册/ }).click();
    expect(await textOf(page.locator('.ant-form-item-explain-error'))).toContain('验证码错误');
    await screenshot(page, 'portal-identity-register-wrong-code');
    await expectFitsPhone(page);

    await page.getByLabel('短信验证码').fill(code);
    await page.getByRole('button', { name: /注\s*册/ }).click();
    // Signed in at once: the home page greets the patient, no second log-in.
    await page.waitForURL(`${server.baseUrl}/`);
    expect(await textOf(page.getByText('注册成功，已为您登录'))).toBeTruthy();
    await seeTitle(page, /您好$/);
    await page.getByRole('navigation').getByRole('link', { name: '个人资料' }).click();
    // The code proved the phone: the account shows the clinic's record (its name stays the clinic's).
    const details = await textOf(page.locator('.ant-descriptions'));
    expect(details).toContain('陈美玲');
    expect(details).toContain('已验证');
    await screenshot(page, 'portal-identity-registered-profile');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('忘记密码: a too-early request is refused plainly, the code resets the password and signs in; old sessions end', async () => {
    const registered = await server.http.post('/patient/register', {
      json: { phone: resetPhone, password, name: '赵六' },
    });
    expect(registered.status, registered.text).toBe(200);
    // A session on another device, which the reset must end.
    const other = await server.http.post('/patient/login', { json: { phone: resetPhone, password } });
    expect(other.status, other.text).toBe(200);
    // A code was just asked for this phone (on that other device): the next one must wait.
    const sent = await server.http.post('/patient/verification-codes', {
      json: { phone: resetPhone, purpose: 'reset' },
    });
    expect(sent.status, sent.text).toBe(200);

    const { context, pageErrors, page } = await openPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByRole('link', { name: '忘记密码？' }).click();
    await seeTitle(page, '找回密码');
    await page.getByLabel('手机号').fill(resetPhone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    expect(await textOf(page.locator('.ant-form-item-explain-error'))).toMatch(/请 \d+ 秒后再试/);
    await screenshot(page, 'portal-identity-reset-too-early');

    // The code that did arrive (from the request a moment ago) is the one to type.
    const code = await lastCodeSentTo(server, resetPhone);
    await page.getByLabel('短信验证码').fill(code);
    await page.getByLabel('新密码', { exact: true }).fill(newPassword);
    await page.getByLabel('确认新密码').fill(newPassword);
    await page.getByRole('button', { name: /重置密码/ }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    expect(await textOf(page.getByText('密码已重置，已为您登录'))).toBeTruthy();
    await seeTitle(page, /您好$/);
    await expectFitsPhone(page);
    await screenshot(page, 'portal-identity-reset-done');

    const otherDevice = await server.http.get('/patient', { bearer: other.body.data.token });
    expect(otherDevice.status).toBe(401);
    const oldPassword = await server.http.post('/patient/login', { json: { phone: resetPhone, password } });
    expect(oldPassword.status).not.toBe(200);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('an account registered without a code proves its phone from the profile', async () => {
    const phone = uniquePhone();
    const { context, pageErrors, page } = await openPage();
    await page.goto(`${server.baseUrl}/register`);
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('姓名').fill('王小明');
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByLabel('确认密码').fill(password);
    await page.getByRole('button', { name: /注\s*册/ }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await seeTitle(page, '王小明，您好');

    await page.getByRole('navigation').getByRole('link', { name: '个人资料' }).click();
    const warning = page.getByRole('alert').filter({ hasText: '手机号未验证' });
    expect(await textOf(warning)).toContain('验证手机号后');
    await warning.getByRole('button', { name: '验证手机号' }).click();
    await warning.getByRole('button', { name: '获取验证码' }).click();
    await codeNote(page).waitFor();
    await page.getByLabel('短信验证码').fill(await lastCodeSentTo(server, phone));
    await screenshot(page, 'portal-identity-verify-phone');
    await warning.getByRole('button', { name: /验\s*证$/ }).click();
    expect(await textOf(page.getByText('手机号已验证'))).toBeTruthy();
    await expect.poll(() => page.locator('.ant-descriptions').innerText()).toContain('已验证');
    expect(await page.getByRole('alert').filter({ hasText: '手机号未验证' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('changing the phone needs a code sent to the new number', async () => {
    const { context, pageErrors, page } = await openPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('手机号').fill(resetPhone);
    await page.getByLabel('密码').fill(newPassword);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await seeTitle(page, /您好$/);
    await page.getByRole('navigation').getByRole('link', { name: '个人资料' }).click();
    await page.getByRole('button', { name: '编辑资料' }).click();
    expect(await page.getByLabel('短信验证码').count()).toBe(0);
    const movedTo = uniquePhone();
    await page.getByLabel('手机号').fill(movedTo);
    await page.getByText('更换手机号需要验证新号码').waitFor();
    await page.getByRole('button', { name: /保\s*存/ }).click();
    expect(await textOf(page.locator('.ant-form-item-explain-error'))).toContain('请输入短信验证码');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await codeNote(page).waitFor();
    await page.getByLabel('短信验证码').fill(await lastCodeSentTo(server, movedTo));
    await expectFitsPhone(page);
    await screenshot(page, 'portal-identity-change-phone');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    expect(await textOf(page.getByText('资料已保存'))).toBeTruthy();
    await page.reload();
    expect(await textOf(page.locator('.ant-descriptions'))).toContain(movedTo);
    // The old number was told, as a security message.
    const told = await server.database.db
      .selectFrom('notification_outbox')
      .select('event')
      .where('recipient', '=', resetPhone)
      .where('event', '=', 'phone_changed')
      .execute();
    expect(told).toHaveLength(1);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('notification settings: reminders off survives a reload; security messages are said to stay on', async () => {
    const phone = uniquePhone();
    const registered = await server.http.post('/patient/register', { json: { phone, password, name: '李四' } });
    expect(registered.status, registered.text).toBe(200);
    const { context, pageErrors, page } = await openPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await seeTitle(page, /您好$/);
    await page.getByRole('navigation').getByRole('link', { name: '个人资料' }).click();
    await page.getByRole('button', { name: '通知设置' }).click();
    await seeTitle(page, '通知设置');
    expect(await textOf(page.getByText(/安全类短信.*不能关闭/))).toBeTruthy();
    expect(await textOf(page.getByText('本院暂未开通微信通知'))).toBeTruthy();
    const reminders = page.getByRole('switch', { name: '就诊提醒' });
    expect(await reminders.getAttribute('aria-checked')).toBe('true');
    await reminders.click();
    await page.getByLabel('电子邮箱').fill('not-an-email');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    expect(await textOf(page.locator('.ant-form-item-explain-error'))).toContain('请输入有效的邮箱地址');
    await page.getByLabel('电子邮箱').fill('lisi@example.com');
    await page.getByRole('switch', { name: '邮件通知' }).click();
    await page.getByRole('button', { name: /保\s*存/ }).click();
    expect(await textOf(page.getByText('通知设置已保存'))).toBeTruthy();
    await expectFitsPhone(page);
    await screenshot(page, 'portal-identity-notification-settings');

    await page.reload();
    await seeTitle(page, '通知设置');
    await expect.poll(() => page.getByRole('switch', { name: '就诊提醒' }).getAttribute('aria-checked')).toBe('false');
    expect(await page.getByLabel('电子邮箱').inputValue()).toBe('lisi@example.com');
    expect(await page.getByRole('switch', { name: '邮件通知' }).getAttribute('aria-checked')).toBe('true');
    const token = (await server.http.post('/patient/login', { json: { phone, password } })).body.data.token;
    const saved = await server.http.get('/patient/notification-settings', { bearer: token });
    expect(saved.body.data).toMatchObject({ reminders: false, email: 'lisi@example.com', email_enabled: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
