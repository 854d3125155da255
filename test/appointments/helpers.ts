import { expect } from 'vitest';
import { addDays, ClinicCalendar } from '../../src/domain/clinic-time/clinic-calendar.js';
import { STAFF, unixNow } from '../support/fixtures.js';
import type { TestServer } from '../support/server.js';

/** Booking tests work in the clinic's calendar (default Asia/Shanghai), as the server does. */
export const calendar = new ClinicCalendar('Asia/Shanghai');
export const clinicToday = (): string => calendar.dateAt(unixNow());
export const daysFromToday = (days: number): string => addDays(clinicToday(), days);

/**
 * `minutes` ago, but never before today's clinic midnight: an arrival "a few minutes ago" must
 * count for today even when the suite runs just after midnight 北京时间 (16:00 UTC), where CI
 * once put one on yesterday.
 */
export function minutesAgoToday(minutes: number): number {
  const [year, month, day] = clinicToday().split('-').map(Number) as [number, number, number];
  return Math.max(unixNow() - minutes * 60, calendar.instantOf(year, month, day)!);
}

let doctorCounter = 0;
/** A fresh active doctor per test, so schedules of one test never leak into another. */
export async function createDoctor(server: TestServer, name = `测试医生${++doctorCounter}`): Promise<number> {
  const row = await server.database.db
    .insertInto('doctors')
    .values({ name, department_id: 1, title: '主治医师', specialty: '测试专长' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Adds one dated session ('extra') through the staff API. */
export async function addSession(
  server: TestServer,
  adminToken: string,
  doctorId: number,
  date: string,
  period: 'morning' | 'afternoon',
  capacity: number,
) {
  const response = await server.http.post(`${STAFF}/schedule/doctors/${doctorId}/exceptions`, {
    bearer: adminToken,
    json: { date, period, kind: 'extra', capacity },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

export async function setWeekly(
  server: TestServer,
  adminToken: string,
  doctorId: number,
  weekday: number,
  period: 'morning' | 'afternoon',
  capacity: number,
) {
  const response = await server.http.put(`${STAFF}/schedule/doctors/${doctorId}/weekly/${weekday}/${period}`, {
    bearer: adminToken,
    json: { capacity },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

export async function book(server: TestServer, patientToken: string, body: Record<string, unknown>) {
  return server.http.post('/patient/appointments', { bearer: patientToken, json: body });
}

/** Moves an appointment's session into the past or today (test set-up: real sessions cannot be booked there). */
export async function moveSession(
  server: TestServer,
  appointmentId: number,
  date: string,
  period: 'morning' | 'afternoon' = 'morning',
) {
  await server.database.db
    .updateTable('appointments')
    .set({ session_date: date, period, start_time: calendar.sessionStart(date, period) })
    .where('id', '=', appointmentId)
    .execute();
}
