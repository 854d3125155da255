import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxRows } from '../notifications/support/messages.js';
import {
  createPatientBody,
  createStaffUser,
  DEFAULT_ROLE,
  registerAndLoginPatient,
  STAFF,
  staffLogin,
  uniquePhone,
} from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { registerVerifiedPatient } from '../support/verified-patient.js';

/**
 * At the desk, with patients:portal_account (administrator, 前台): link the portal account of a
 * person whose identity staff checked, reset its password, lift its lock. Each audited.
 */
let server: TestServer;
let admin: string;
let frontDesk: string;
let consultant: string;

const login = (phone: string, password: string) => server.http.post('/patient/login', { json: { phone, password } });
const auditOf = (action: string, patientId: number) =>
  server.database.db
    .selectFrom('audit_log')
    .select(['actor_type', 'details'])
    .where('action', '=', action)
    .where('target_id', '=', String(patientId))
    .execute();

async function staffRecord(name = '到店客户') {
  const tel = uniquePhone();
  const created = await server.http.post(`${STAFF}/patient/`, {
    bearer: admin,
    json: createPatientBody({ name, tel }),
  });
  expect(created.status, created.text).toBe(201);
  return { id: Number(created.body.newPatient.id), tel };
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  frontDesk = (await createStaffUser(server, 'desk_front', DEFAULT_ROLE.frontDesk)).token;
  consultant = (await createStaffUser(server, 'desk_consultant', DEFAULT_ROLE.consultant)).token;
});
afterAll(async () => server?.close());

describe('linking a portal account at the desk', () => {
  it('offers the unverified account registered with the record phone, and links it (front desk, audited)', async () => {
    const record = await staffRecord();
    const patient = await registerAndLoginPatient(server.http, record.tel, '到店客户');
    const before = await server.http.get(`${STAFF}/patient/${record.id}/portal-account`, { bearer: frontDesk });
    expect(before.status, before.text).toBe(200);
    expect(before.body).toMatchObject({
      account: null,
      linkable: {
        phone: `${record.tel.slice(0, 3)}****${record.tel.slice(-4)}`,
        provisionalPatientId: String(patient.patientId),
      },
    });
    const linked = await server.http.post(`${STAFF}/patient/${record.id}/portal-account/link`, { bearer: frontDesk });
    expect(linked.status, linked.text).toBe(200);
    expect(linked.body).toMatchObject({ account: { phoneVerified: true, lockedUntil: null }, linkable: null });
    const signedIn = await login(record.tel, patient.password);
    expect(signedIn.body.data.id).toBe(record.id);
    const [entry] = await auditOf('portal.account_link', record.id);
    expect(entry?.actor_type).toBe('staff');
    expect(JSON.parse(entry!.details!)).toMatchObject({
      linked: true,
      fromPatientId: patient.patientId,
      provisionalRetired: true,
    });
    const again = await server.http.post(`${STAFF}/patient/${record.id}/portal-account/link`, { bearer: frontDesk });
    expect(again.status).toBe(409);
  });

  it('answers 404 when no account uses the phone, and 403 to a role without the permission', async () => {
    const record = await staffRecord();
    expect(
      (await server.http.post(`${STAFF}/patient/${record.id}/portal-account/link`, { bearer: admin })).status,
    ).toBe(404);
    expect((await server.http.get(`${STAFF}/patient/${record.id}/portal-account`, { bearer: consultant })).status).toBe(
      403,
    );
  });
});

describe('password and lock at the desk', () => {
  it('resets the password (a random one, shown once), ends every session and tells the phone', async () => {
    const record = await staffRecord('忘记密码的客户');
    const patient = await registerVerifiedPatient(server, record.tel, '忘记密码的客户');
    const reset = await server.http.post(`${STAFF}/patient/${record.id}/portal-account/reset-password`, {
      bearer: frontDesk,
    });
    expect(reset.status, reset.text).toBe(200);
    const temporary = reset.body.temporaryPassword as string;
    expect(temporary).toMatch(/^[A-Za-z0-9]{12}$/);
    expect((await server.http.get('/patient', { bearer: patient.token })).status).toBe(401);
    expect((await login(record.tel, patient.password)).status).toBe(401);
    expect((await login(record.tel, temporary)).status).toBe(200);
    expect(await outboxRows(server, { recipient: record.tel, event: 'password_changed' })).toHaveLength(1);
    const [entry] = await auditOf('portal.password_reset', record.id);
    expect(entry!.details).not.toContain(temporary);
    expect(JSON.parse(entry!.details!)).toEqual({ by: 'staff', generated: true });
    // A chosen one is not echoed.
    const chosen = await server.http.post(`${STAFF}/patient/${record.id}/portal-account/reset-password`, {
      bearer: admin,
      json: { password: 'chosen-at-desk-1' },
    });
    expect(chosen.body).toEqual({ temporaryPassword: null });
    expect((await login(record.tel, 'chosen-at-desk-1')).status).toBe(200);
  });

  it('lifts a sign-in lock', async () => {
    const record = await staffRecord('被锁的客户');
    const patient = await registerVerifiedPatient(server, record.tel, '被锁的客户');
    for (let attempt = 0; attempt < 5; attempt += 1) await login(record.tel, 'wrong-password');
    expect((await login(record.tel, patient.password)).status).toBe(429);
    const view = await server.http.get(`${STAFF}/patient/${record.id}/portal-account`, { bearer: frontDesk });
    expect(view.body.account.lockedUntil).toBeGreaterThan(Math.floor(Date.now() / 1000));
    const unlocked = await server.http.post(`${STAFF}/patient/${record.id}/portal-account/unlock`, {
      bearer: frontDesk,
    });
    expect(unlocked.status, unlocked.text).toBe(200);
    expect(unlocked.body.account.lockedUntil).toBeNull();
    expect((await login(record.tel, patient.password)).status).toBe(200);
    const [entry] = await auditOf('portal.unlock', record.id);
    expect(JSON.parse(entry!.details!).wasLockedUntil).toBe(view.body.account.lockedUntil);
  });

  it('answers 404 for a record without a portal account', async () => {
    const record = await staffRecord();
    const reset = await server.http.post(`${STAFF}/patient/${record.id}/portal-account/reset-password`, {
      bearer: admin,
    });
    expect(reset.status).toBe(404);
    const view = await server.http.get(`${STAFF}/patient/${record.id}/portal-account`, { bearer: admin });
    expect(view.body).toEqual({ account: null, linkable: null });
  });
});
