import { addDays, ClinicCalendar } from '../../../src/domain/clinic-time/clinic-calendar.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from '../../support/server.js';
import { type CallResult, call } from './client.js';

/** Clinic set-up and traffic over the public HTTP API only (the server is another process). */
export const STAFF = '/back_end/api/v1';

const calendar = new ClinicCalendar('Asia/Shanghai');
export const sessionDate = (daysAhead: number): string =>
  addDays(calendar.dateAt(Math.floor(Date.now() / 1000)), daysAhead);

let phoneCounter = 0;
const phoneBase = Math.floor(Math.random() * 50_000_000);
/** A valid mainland mobile number, unique within this test process. */
export function freshPhone(): string {
  phoneCounter += 1;
  return `137${String((phoneBase + phoneCounter) % 100_000_000).padStart(8, '0')}`;
}

function expectStatus(result: CallResult, status: number, what: string): void {
  if (result.status !== status)
    throw new Error(`${what}: expected ${status}, got ${result.status} ${JSON.stringify(result.body ?? result.error)}`);
}

export async function staffToken(
  baseUrl: string,
  username = ADMIN_USERNAME,
  password = ADMIN_PASSWORD,
): Promise<string> {
  const response = await call(baseUrl, 'POST', `${STAFF}/token/`, { json: { username, password } });
  expectStatus(response, 200, `staff login ${username}`);
  return response.body.token as string;
}

/** A new doctor holding one extra morning session `daysAhead` days from today with `capacity` places. */
export async function doctorWithSession(
  baseUrl: string,
  adminToken: string,
  daysAhead: number,
  capacity: number,
): Promise<{ doctorId: number; date: string }> {
  const doctor = await call(baseUrl, 'POST', `${STAFF}/doctors`, {
    bearer: adminToken,
    json: { name: `故障测试医生${freshPhone().slice(-5)}`, department_id: 1 },
  });
  expectStatus(doctor, 201, 'create doctor');
  const doctorId = Number(doctor.body.doctor.id);
  const date = sessionDate(daysAhead);
  const session = await call(baseUrl, 'POST', `${STAFF}/schedule/doctors/${doctorId}/exceptions`, {
    bearer: adminToken,
    json: { date, period: 'morning', kind: 'extra', capacity },
  });
  expectStatus(session, 201, 'add session');
  return { doctorId, date };
}

export const registerPatient = (baseUrl: string, phone: string, password: string, name = '故障测试患者') =>
  call(baseUrl, 'POST', '/patient/register', { json: { phone, password, name } });

export const loginPatient = (baseUrl: string, phone: string, password: string) =>
  call(baseUrl, 'POST', '/patient/login', { json: { phone, password } });

export async function registeredPatientToken(
  baseUrl: string,
  phone = freshPhone(),
  password = 'fault-pass-1',
): Promise<{ phone: string; password: string; token: string }> {
  expectStatus(await registerPatient(baseUrl, phone, password), 200, 'register');
  const login = await loginPatient(baseUrl, phone, password);
  expectStatus(login, 200, 'patient login');
  return { phone, password, token: login.body.data.token as string };
}

export const bookMorning = (baseUrl: string, patientToken: string, doctorId: number, date: string) =>
  call(baseUrl, 'POST', '/patient/appointments', {
    bearer: patientToken,
    json: { doctor_id: doctorId, date, period: 'morning' },
  });
