import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastCodeSentTo, outboxRows } from '../notifications/support/messages.js';
import { createPatientBody, registerAndLoginPatient, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Verification codes: the same answer for any phone, request floods refused (per phone every 60 s
 * and per day, per client address per day), and code guessing refused after five checks, however
 * many requests race.
 */
let server: TestServer;
let admin: string;
let addressCounter = 0;
/** Each request from its own client address unless a test says otherwise (the per-address cap is tested on its own). */
const freshAddress = () => `198.51.100.${(addressCounter += 1) % 250}`;

const requestCode = (phone: string, purpose = 'register', address = freshAddress()) =>
  server.http.post('/patient/verification-codes', {
    json: { phone, purpose },
    headers: { 'x-forwarded-for': address },
  });

/** As if the phone's last request was over a minute ago (the 60 s rule is tested on its own). */
const letAMinutePass = (phone: string) =>
  server.database.db
    .updateTable('verification_limits')
    .set((eb) => ({ last_request_at: eb('last_request_at', '-', 61) }))
    .where('key', '=', `phone:${phone}`)
    .execute();

beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: 'true', VERIFICATION_DAILY_LIMIT_PER_IP: '5' });
  admin = await staffLogin(server.http);
});
afterAll(async () => server?.close());

describe('POST /patient/verification-codes', () => {
  it('answers alike for a phone the clinic holds, one with an account and one never seen, and sends each a code', async () => {
    const held = uniquePhone();
    const created = await server.http.post(`${STAFF}/patient/`, {
      bearer: admin,
      json: createPatientBody({ tel: held }),
    });
    expect(created.status, created.text).toBe(201);
    const withAccount = (await registerAndLoginPatient(server.http)).phone;
    const unknown = uniquePhone();
    const answers = await Promise.all([held, withAccount, unknown].map((phone) => requestCode(phone)));
    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body).toEqual(answers[0]!.body);
    }
    expect(answers[0]!.body).toEqual({ code: 1, msg: '验证码已发送', data: { resend_after: 60, expires_in: 300 } });
    for (const phone of [held, withAccount, unknown]) {
      const [sms] = await outboxRows(server, { recipient: phone, event: 'verification_code' });
      expect(sms).toMatchObject({ channel: 'sms', status: 'pending', patient_id: null });
      expect(await lastCodeSentTo(server, phone)).toMatch(/^\d{6}$/);
    }
    // The code is stored only as an HMAC.
    const stored = await server.database.db
      .selectFrom('verification_codes')
      .select('code_hash')
      .where('phone', '=', unknown)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]!.code_hash).not.toContain(await lastCodeSentTo(server, unknown));
  });

  it('sends one code per phone per 60 s: of 20 requests at once, one is sent, the rest answer 429', async () => {
    const phone = uniquePhone();
    const answers = await Promise.all(Array.from({ length: 20 }, () => requestCode(phone, 'reset')));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 429)).toHaveLength(19);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(refused.body).toMatchObject({ code: 0, data: null });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await outboxRows(server, { recipient: phone, event: 'verification_code' })).toHaveLength(1);
  });

  it('caps a phone at VERIFICATION_DAILY_LIMIT_PER_PHONE codes a day (default 10), until the next clinic day', async () => {
    const phone = uniquePhone();
    for (let index = 0; index < 10; index += 1) {
      expect((await requestCode(phone)).status).toBe(200);
      await letAMinutePass(phone);
    }
    const refused = await requestCode(phone);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(await outboxRows(server, { recipient: phone, event: 'verification_code' })).toHaveLength(10);
  });

  it('caps a client address at VERIFICATION_DAILY_LIMIT_PER_IP codes a day, whatever the phones', async () => {
    const address = '203.0.113.77';
    const statuses = [];
    for (let index = 0; index < 7; index += 1)
      statuses.push((await requestCode(uniquePhone(), 'register', address)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    // Another address is not affected.
    expect((await requestCode(uniquePhone(), 'register', '203.0.113.78')).status).toBe(200);
  });

  it.each([
    [{ phone: '12345', purpose: 'register' }, 'phone'],
    [{ phone: '13800000000', purpose: 'login' }, 'purpose'],
    [{ phone: '13800000000', purpose: 'change_phone' }, 'purpose'],
    [{ phone: '13800000000' }, 'purpose'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const answer = await server.http.post('/patient/verification-codes', { json: body });
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toContain(field);
  });
});

describe('checking a code', () => {
  it('allows five checks of a code: a sixth, even right, is refused until a new code', async () => {
    const phone = uniquePhone();
    await requestCode(phone);
    const right = await lastCodeSentTo(server, phone);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const answer = await server.http.post('/patient/register', {
        json: { phone, password: 'brute-force-1', name: '猜码', code: wrong },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.msg).toContain('code');
    }
    const sixth = await server.http.post('/patient/register', {
      json: { phone, password: 'brute-force-1', name: '猜码', code: right },
    });
    expect(sixth.status).toBe(429);
    expect(sixth.body.msg).toContain('重新获取');
    // Nothing was registered; a new code (after the minute) works.
    expect((await server.http.post('/patient/login', { json: { phone, password: 'brute-force-1' } })).status).toBe(401);
    await letAMinutePass(phone);
    await requestCode(phone);
    const fresh = await lastCodeSentTo(server, phone);
    const registered = await server.http.post('/patient/register', {
      json: { phone, password: 'brute-force-1', name: '猜码', code: fresh },
    });
    expect(registered.status, registered.text).toBe(200);
    const failures = await server.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'portal.verification_failed')
      .where('actor_label', '=', `${phone.slice(0, 3)}****${phone.slice(-4)}`)
      .execute();
    expect(failures).toHaveLength(5);
  });

  it('checks at most five guesses of 30 sent at once', async () => {
    const phone = uniquePhone();
    await requestCode(phone);
    const right = await lastCodeSentTo(server, phone);
    const guesses = Array.from({ length: 30 }, (_, index) =>
      String((Number(right) + index + 1) % 1_000_000).padStart(6, '0'),
    );
    const answers = await Promise.all(
      guesses.map((code) =>
        server.http.post('/patient/register', { json: { phone, password: 'brute-force-2', name: '并发', code } }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 400 || status === 429)).toHaveLength(30);
    const row = await server.database.db
      .selectFrom('verification_codes')
      .select('attempts')
      .where('phone', '=', phone)
      .executeTakeFirstOrThrow();
    expect(row.attempts).toBe(5);
  });

  it('refuses an expired code, a code of another purpose and a code of another phone', async () => {
    const phone = uniquePhone();
    await requestCode(phone, 'reset');
    const resetCode = await lastCodeSentTo(server, phone);
    const asRegister = await server.http.post('/patient/register', {
      json: { phone, password: 'purpose-pass-1', name: '用途', code: resetCode },
    });
    expect(asRegister.status).toBe(400);
    const otherPhone = uniquePhone();
    const elsewhere = await server.http.post('/patient/register', {
      json: { phone: otherPhone, password: 'purpose-pass-1', name: '用途', code: resetCode },
    });
    expect(elsewhere.status).toBe(400);
    await letAMinutePass(phone);
    await requestCode(phone, 'register');
    const code = await lastCodeSentTo(server, phone);
    await server.database.db
      .updateTable('verification_codes')
      .set({ expires_at: Math.floor(Date.now() / 1000) - 1 })
      .where('phone', '=', phone)
      .execute();
    const expired = await server.http.post('/patient/register', {
      json: { phone, password: 'purpose-pass-1', name: '用途', code },
    });
    expect(expired.status).toBe(400);
    expect(expired.body.msg).toContain('过期');
  });
});
