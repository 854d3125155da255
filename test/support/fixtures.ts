import { expect } from 'vitest';
import { insertStaffUser } from '../../src/features/staff-users/repository.js';
import { hashPassword } from '../../src/security/passwords.js';
import type { HttpClient } from './http.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, type TestServer } from './server.js';

export const STAFF = '/back_end/api/v1';
export const unixNow = (): number => Math.floor(Date.now() / 1000);

export const DEFAULT_ROLE = {
  administrator: '管理员',
  consultant: '咨询客服',
  frontDesk: '前台',
  manager: '院长/主管',
} as const;

export async function staffLogin(
  http: HttpClient,
  username = ADMIN_USERNAME,
  password = ADMIN_PASSWORD,
): Promise<string> {
  const response = await http.post(`${STAFF}/token/`, { json: { username, password } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.token as string;
}

/** Adds a staff user with one of the default roles (test set-up through the repository). */
export async function createStaffUser(
  server: TestServer,
  username: string,
  roleName: string,
  password = 'staff-password-1',
): Promise<{ id: number; token: string }> {
  const role = await server.database.db
    .selectFrom('roles')
    .select('id')
    .where('name', '=', roleName)
    .executeTakeFirstOrThrow();
  const id = await insertStaffUser(server.database.db, {
    username,
    displayName: username,
    passwordHash: await hashPassword(password),
    roleId: role.id,
    now: unixNow(),
  });
  return { id, token: await staffLogin(server.http, username, password) };
}

let phoneCounter = 0;
/** A valid, unique mainland mobile number per call within a test file. */
export function uniquePhone(): string {
  phoneCounter += 1;
  return `139${String(process.pid % 10000).padStart(4, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

export async function registerAndLoginPatient(
  http: HttpClient,
  phone = uniquePhone(),
  name = '测试患者',
  password = 'patient-pass-1',
) {
  const registered = await http.post('/patient/register', { json: { phone, password, name } });
  expect(registered.status, JSON.stringify(registered.body)).toBe(200);
  const login = await http.post('/patient/login', { json: { phone, password } });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  return { phone, password, token: login.body.data.token as string, patientId: login.body.data.id as number };
}

export function createPatientBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: '王小明', add_time: unixNow() - 3600, state: 0, ...overrides };
}
