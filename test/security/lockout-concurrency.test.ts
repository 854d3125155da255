import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, DEFAULT_ROLE, registerAndLoginPatient, STAFF, uniquePhone } from '../support/fixtures.js';
import type { HttpResponse } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Password guesses sent at once must not slip past the lock: at most 5 passwords per account
 * and 30 per client address are ever checked in a window, however many requests arrive
 * together. Each test speaks from an address of its own (X-Forwarded-For behind
 * TRUST_PROXY), so the per-address counters of one test do not spill into another.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: 'true' });
});
afterAll(async () => server?.close());

let addressCounter = 0;
const freshAddress = (): string => `198.51.100.${(addressCounter += 1)}`;
const from = (address: string) => ({ 'x-forwarded-for': address });

const patientLogin = (address: string, phone: string, password: string) =>
  server.http.post('/patient/login', { json: { phone, password }, headers: from(address) });
const staffLogin = (address: string, username: string, password: string) =>
  server.http.post(`${STAFF}/token/`, { json: { username, password }, headers: from(address) });

const statuses = (answers: HttpResponse[]) => answers.map((answer) => answer.status);
const count = (answers: HttpResponse[], status: number) => answers.filter((answer) => answer.status === status).length;
const retryAfterOf = (answer: HttpResponse) => Number(answer.headers.get('retry-after'));

/** Every refusal names a wait that is over 0, at most the 15-minute lock, and the same lock's end. */
function expectTruthfulRetryAfter(refused: HttpResponse[], lockSecondsLeft: number) {
  expect(refused.length).toBeGreaterThan(0);
  for (const answer of refused) {
    const wait = retryAfterOf(answer);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    expect(Math.abs(wait - lockSecondsLeft)).toBeLessThanOrEqual(5);
  }
}

describe('password guesses sent at once', () => {
  it('25 concurrent wrong passwords for one phone: 5 are checked (401), 20 refused (429), then the right one is refused too', async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '并发', 'right-pass-1');
    const address = freshAddress();
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, index) => patientLogin(address, patient.phone, `wrong-pass-${index}`)),
    );
    expect(count(answers, 401), JSON.stringify(statuses(answers))).toBe(5);
    expect(count(answers, 429), JSON.stringify(statuses(answers))).toBe(20);

    const right = await patientLogin(freshAddress(), patient.phone, patient.password);
    expect(right.status).toBe(429);
    expect(right.body).toMatchObject({ code: 0, data: null });
    expectTruthfulRetryAfter(
      answers.filter((answer) => answer.status === 429),
      retryAfterOf(right),
    );
    for (const answer of answers.filter((answer) => answer.status === 429))
      expect(answer.body).toMatchObject({ code: 0, data: null });

    const lockouts = await server.database.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'portal.lockout')
      .where('ip', '=', address)
      .execute();
    expect(lockouts.map((row) => JSON.parse(String(row.details)).scope)).toEqual(['account']);
  });

  it('25 concurrent wrong passwords for one staff username: 5 are checked (401), 20 refused (429 / 42901), then the right one is refused too', async () => {
    await createStaffUser(server, 'concurrent_guess', DEFAULT_ROLE.consultant, 'right-password-1');
    const address = freshAddress();
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, index) => staffLogin(address, 'concurrent_guess', `wrong-password-${index}`)),
    );
    expect(count(answers, 401), JSON.stringify(statuses(answers))).toBe(5);
    expect(count(answers, 429), JSON.stringify(statuses(answers))).toBe(20);
    for (const answer of answers.filter((answer) => answer.status === 429)) expect(answer.body.state_code).toBe(42901);

    const right = await staffLogin(freshAddress(), 'concurrent_guess', 'right-password-1');
    expect(right.status).toBe(429);
    expect(right.body.state_code).toBe(42901);
    expectTruthfulRetryAfter(
      answers.filter((answer) => answer.status === 429),
      retryAfterOf(right),
    );
  });

  it('one address guessing many phones at once gets 30 passwords checked, no more', async () => {
    const address = freshAddress();
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => patientLogin(address, uniquePhone(), 'wrong-pass-1')),
    );
    expect(count(answers, 401), JSON.stringify(statuses(answers))).toBe(30);
    expect(count(answers, 429), JSON.stringify(statuses(answers))).toBe(10);
    const later = await patientLogin(address, uniquePhone(), 'wrong-pass-1');
    expect(later.status).toBe(429);
    expectTruthfulRetryAfter(
      answers.filter((answer) => answer.status === 429),
      retryAfterOf(later),
    );
    // Another address is not affected.
    expect((await patientLogin(freshAddress(), uniquePhone(), 'wrong-pass-1')).status).toBe(401);
  });

  it('one address guessing many staff usernames at once gets 30 passwords checked, no more', async () => {
    const address = freshAddress();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) => staffLogin(address, `nobody_${index}`, 'wrong-password-1')),
    );
    expect(count(answers, 401), JSON.stringify(statuses(answers))).toBe(30);
    expect(count(answers, 429), JSON.stringify(statuses(answers))).toBe(10);
  });

  it('the right password sent among wrong ones signs in, forgets the account failures and refunds only its own address reservation', async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '混入', 'right-pass-1');
    const address = freshAddress();
    // 30 guesses from one address, the address limit exactly: 4 wrong and the right one for
    // this phone (within its limit of 5), 25 wrong for other phones.
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, (_, index) => patientLogin(address, patient.phone, `wrong-pass-${index}`)),
      patientLogin(address, patient.phone, patient.password),
      ...Array.from({ length: 25 }, () => patientLogin(address, uniquePhone(), 'wrong-pass-1')),
    ]);
    expect(answers[4]!.status).toBe(200);
    expect(answers[4]!.body.data.token).toEqual(expect.any(String));
    expect(count(answers, 401)).toBe(29);

    // The sign-in gave back its own address reservation: one more guess is checked, then the address is locked.
    expect((await patientLogin(address, uniquePhone(), 'wrong-pass-1')).status).toBe(401);
    const locked = await patientLogin(address, uniquePhone(), 'wrong-pass-1');
    expect(locked.status).toBe(429);
    expect(retryAfterOf(locked)).toBeGreaterThan(0);

    // The account's 4 failures were forgotten: 5 more are checked before it locks.
    const elsewhere = freshAddress();
    for (let attempt = 0; attempt < 5; attempt += 1)
      expect((await patientLogin(elsewhere, patient.phone, 'wrong-again-1')).status).toBe(401);
    expect((await patientLogin(elsewhere, patient.phone, patient.password)).status).toBe(429);
  });

  it('25 concurrent wrong old passwords in a password change: 5 are checked (400), 20 refused (429), on both APIs', async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '改密', 'right-pass-1');
    const portal = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        server.http.put('/patient/password', {
          bearer: patient.token,
          json: { old_password: `wrong-pass-${index}`, new_password: 'another-pass-1' },
        }),
      ),
    );
    expect(count(portal, 400), JSON.stringify(statuses(portal))).toBe(5);
    expect(count(portal, 429), JSON.stringify(statuses(portal))).toBe(20);
    for (const answer of portal.filter((answer) => answer.status === 429))
      expect(retryAfterOf(answer)).toBeGreaterThan(0);
    // The lock is the account's: signing in is refused as well.
    expect((await patientLogin(freshAddress(), patient.phone, patient.password)).status).toBe(429);

    const staff = await createStaffUser(server, 'concurrent_change', DEFAULT_ROLE.consultant, 'right-password-1');
    const back = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        server.http.put(`${STAFF}/staff/me/password`, {
          bearer: staff.token,
          json: { old_password: `wrong-password-${index}`, new_password: 'another-password-1' },
        }),
      ),
    );
    expect(count(back, 400), JSON.stringify(statuses(back))).toBe(5);
    expect(count(back, 429), JSON.stringify(statuses(back))).toBe(20);
    expect((await staffLogin(freshAddress(), 'concurrent_change', 'right-password-1')).status).toBe(429);
  });
});
