import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { addDays } from '../../src/domain/clinic-time/clinic-calendar.js';
import {
  NotificationOutbox,
  OutboxRepository,
  RecipientsRepository,
  ReminderRepository,
  ReminderScheduler,
  TemplateCache,
} from '../../src/features/notifications/index.js';
import { addSession, book, calendar, createDoctor, daysFromToday } from '../appointments/helpers.js';
import { registerAndLoginPatient, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { outboxRows } from './support/messages.js';

/**
 * Reminders: the day before at the clinic's reminder time (18:00 by default) and, when set, some
 * hours before; once per appointment, whatever number of instances scan at once; never to a
 * patient who turned reminders off, nor for a cancelled booking. The scan is run here at chosen
 * clinic times (ReminderScheduler.runOnce takes the time), on the server's database.
 */
let server: TestServer;
let admin: string;
let secondHandle: DatabaseHandle;

function scheduler(handle: DatabaseHandle, options = { dayBeforeMinute: (18 * 60) as number | null, hoursBefore: 0 }) {
  const outbox = new NotificationOutbox(
    new OutboxRepository(handle.db, handle.dialect),
    new RecipientsRepository(handle.db),
    new TemplateCache(new RecipientsRepository(handle.db)),
    calendar,
  );
  return new ReminderScheduler(handle.db, new ReminderRepository(handle.db), outbox, calendar, options);
}

/** Unix seconds of a clinic wall-clock time. */
const at = (date: string, hour: number, minute = 0) => calendar.instantOnDate(date, hour * 60 + minute);

async function bookedPatients(count: number, date: string, period: 'morning' | 'afternoon' = 'morning') {
  const doctorId = await createDoctor(server);
  await addSession(server, admin, doctorId, date, period, count + 2);
  const patients = [];
  for (let index = 0; index < count; index += 1) {
    const patient = await registerAndLoginPatient(server.http);
    const booked = await book(server, patient.token, { doctor_id: doctorId, date, period });
    expect(booked.status, booked.text).toBe(201);
    patients.push({ ...patient, appointmentId: booked.body.data.id as number });
  }
  return patients;
}

const remindersOf = async (patientId: number) => outboxRows(server, { patientId, event: 'appointment_reminder' });

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  if (server.database.dialect === 'postgres') secondHandle = openDatabase(server.config.databaseUrl);
});
afterAll(async () => {
  await secondHandle?.close();
  await server?.close();
});

describe('the day-before reminder', () => {
  it('is queued from the reminder time of the day before, once', async () => {
    const date = daysFromToday(3);
    const [patient] = await bookedPatients(1, date);
    const scan = scheduler(server.database);
    expect(await scan.runOnce(at(addDays(date, -1), 17, 59))).toBe(0);
    expect(await remindersOf(patient!.patientId)).toEqual([]);
    expect(await scan.runOnce(at(addDays(date, -1), 18, 0))).toBeGreaterThanOrEqual(1);
    const [reminder] = await remindersOf(patient!.patientId);
    expect(reminder).toMatchObject({ appointment_id: patient!.appointmentId, channel: 'sms', status: 'pending' });
    expect(reminder!.body).toContain(date);
    await scan.runOnce(at(addDays(date, -1), 20, 0));
    expect(await remindersOf(patient!.patientId)).toHaveLength(1);
  });

  it('is queued once per appointment when several instances scan at the same moment', async () => {
    const date = daysFromToday(4);
    const patients = await bookedPatients(6, date);
    const moment = at(addDays(date, -1), 18, 30);
    // PostgreSQL: other connections, as other instances would be; SQLite serves one process, so scans race within it.
    const other = server.database.dialect === 'postgres' ? secondHandle : server.database;
    const counts = await Promise.all([
      scheduler(server.database).runOnce(moment),
      scheduler(other).runOnce(moment),
      scheduler(other).runOnce(moment),
    ]);
    for (const patient of patients)
      expect(await remindersOf(patient.patientId), `patient ${patient.patientId}`).toHaveLength(1);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(patients.length);
  });

  it('skips a patient who turned reminders off, and a booking cancelled before the scan', async () => {
    const date = daysFromToday(5);
    const [quiet, cancelled, plain] = await bookedPatients(3, date);
    const off = await server.http.put('/patient/notification-settings', {
      bearer: quiet!.token,
      json: { reminders: false },
    });
    expect(off.body.data.reminders).toBe(false);
    const cancel = await server.http.post(`/patient/appointments/${cancelled!.appointmentId}/cancel`, {
      bearer: cancelled!.token,
    });
    expect(cancel.status, cancel.text).toBe(200);
    await scheduler(server.database).runOnce(at(addDays(date, -1), 18, 0));
    expect(await remindersOf(quiet!.patientId)).toEqual([]);
    expect(await remindersOf(cancelled!.patientId)).toEqual([]);
    expect(await remindersOf(plain!.patientId)).toHaveLength(1);
    // Turning reminders off never stops security messages: a code still goes out.
    const code = await server.http.post('/patient/verification-codes', {
      json: { phone: quiet!.phone, purpose: 'claim' },
    });
    expect(code.status, code.text).toBe(200);
    expect(await outboxRows(server, { recipient: quiet!.phone, event: 'verification_code' })).toHaveLength(1);
  });

  it('is not sent for a booking made after the reminder time (its confirmation just went out)', async () => {
    const date = daysFromToday(1);
    const [late, early] = await bookedPatients(2, date);
    // Today's reminder time an hour ago (or midnight): both bookings were made after it.
    const now = Math.floor(Date.now() / 1000);
    const minute = Math.max(0, Math.floor((now - at(calendar.dateAt(now), 0)) / 60) - 60);
    const dueAt = at(calendar.dateAt(now), 0) + minute * 60;
    // The other booking is made to look older than the due time, as one made yesterday would be.
    await server.database.db
      .updateTable('appointments')
      .set({ created_at: dueAt - 60 })
      .where('id', '=', early!.appointmentId)
      .execute();
    await scheduler(server.database, { dayBeforeMinute: minute, hoursBefore: 0 }).runOnce(now + 60);
    expect(await remindersOf(late!.patientId)).toEqual([]);
    expect(await remindersOf(early!.patientId)).toHaveLength(1);
  });
});

describe('the reminder hours before', () => {
  it('is queued within NOTIFY_REMINDER_HOURS_BEFORE of the start, once, beside the day-before one', async () => {
    const date = daysFromToday(7);
    const [patient] = await bookedPatients(1, date, 'afternoon');
    const scan = scheduler(server.database, { dayBeforeMinute: 18 * 60, hoursBefore: 3 });
    const start = calendar.sessionStart(date, 'afternoon');
    expect(await scan.runOnce(at(addDays(date, -1), 18, 5))).toBe(1); // the day-before one
    expect(await scan.runOnce(start - 3 * 3600 - 60)).toBe(0);
    expect(await scan.runOnce(start - 3 * 3600 + 60)).toBe(1);
    expect(await scan.runOnce(start - 3600)).toBe(0);
    expect((await remindersOf(patient!.patientId)).map((row) => row.appointment_id)).toEqual([
      patient!.appointmentId,
      patient!.appointmentId,
    ]);
  });
});
