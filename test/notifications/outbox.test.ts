import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession, book, createDoctor, daysFromToday } from '../appointments/helpers.js';
import { createPatientBody, registerAndLoginPatient, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { outboxRows } from './support/messages.js';

/**
 * The outbox is written in the transaction of the change that causes a message: a committed
 * booking, cancellation or 停诊 has its messages queued, a rolled-back one has none.
 */
let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
});
afterAll(async () => server?.close());

async function doctorWithMorning(days: number, capacity = 5) {
  const doctorId = await createDoctor(server, `通知医生${uniquePhone().slice(-4)}`);
  await addSession(server, admin, doctorId, daysFromToday(days), 'morning', capacity);
  return { doctorId, date: daysFromToday(days) };
}

describe('messages queued with the change that causes them', () => {
  it("queues a booking's confirmation to the patient's phone, rendered in their language", async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '林晓');
    const { doctorId, date } = await doctorWithMorning(3);
    const booked = await book(server, patient.token, { doctor_id: doctorId, date, period: 'morning' });
    expect(booked.status, booked.text).toBe(201);
    const rows = await outboxRows(server, { patientId: patient.patientId });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event: 'booking_confirmed',
      channel: 'sms',
      recipient: patient.phone,
      status: 'pending',
      appointment_id: booked.body.data.id,
      attempts: 0,
      language: 'zh-CN',
    });
    expect(rows[0]!.body).toContain('林晓');
    expect(rows[0]!.body).toContain(date);
    expect(rows[0]!.body).toContain('上午');
    expect(JSON.parse(rows[0]!.params)).toMatchObject({ date, period: '上午', time: '08:00', patient_name: '林晓' });
  });

  it('queues nothing for a booking whose transaction rolls back', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const { doctorId, date } = await doctorWithMorning(4);
    // The booking's last write (its audit row) fails for this patient: the whole booking rolls back.
    const marker = `"patientId":${patient.patientId},`;
    if (server.database.dialect === 'sqlite') {
      await sql
        .raw(
          `create trigger fail_booking before insert on audit_log when new.action = 'appointment.book' and new.details like '%${marker}%' begin select raise(abort, 'injected failure'); end`,
        )
        .execute(server.database.db);
    } else {
      await sql
        .raw(
          `create function fail_booking() returns trigger language plpgsql as $$ begin if new.action = 'appointment.book' and new.details like '%${marker}%' then raise exception 'injected failure'; end if; return new; end $$;
           create trigger fail_booking before insert on audit_log for each row execute function fail_booking();`,
        )
        .execute(server.database.db);
    }
    try {
      const booked = await book(server, patient.token, { doctor_id: doctorId, date, period: 'morning' });
      expect(booked.status).toBe(500);
    } finally {
      await sql
        .raw(`drop trigger fail_booking${server.database.dialect === 'postgres' ? ' on audit_log' : ''}`)
        .execute(server.database.db);
    }
    expect(await outboxRows(server, { patientId: patient.patientId })).toEqual([]);
    const appointments = await server.http.get('/patient/appointments', { bearer: patient.token });
    expect(appointments.body.data).toEqual({ upcoming: [], past: [] });
    // The same booking, once the failure is gone, is queued with its message.
    const again = await book(server, patient.token, { doctor_id: doctorId, date, period: 'morning' });
    expect(again.status, again.text).toBe(201);
    expect(await outboxRows(server, { patientId: patient.patientId })).toHaveLength(1);
  });

  it('tells the patient of a cancellation, by themself or by staff (with the reason)', async () => {
    const patient = await registerAndLoginPatient(server.http);
    await server.http.put('/patient/notification-settings', {
      bearer: patient.token,
      json: { email_enabled: true, email: 'patient@example.com' },
    });
    const { doctorId, date } = await doctorWithMorning(5);
    const first = await book(server, patient.token, { doctor_id: doctorId, date, period: 'morning' });
    const own = await server.http.post(`/patient/appointments/${first.body.data.id}/cancel`, { bearer: patient.token });
    expect(own.status, own.text).toBe(200);
    const second = await server.http.post(`${STAFF}/appointment`, {
      bearer: admin,
      json: { patient_id: patient.patientId, doctor_id: doctorId, date, period: 'morning' },
    });
    expect(second.status, second.text).toBe(201);
    const byStaff = await server.http.post(`${STAFF}/appointment/${second.body.appointment.id}/cancel`, {
      bearer: admin,
      json: { reason: '患者来电改期' },
    });
    expect(byStaff.status, byStaff.text).toBe(200);
    const rows = await outboxRows(server, { patientId: patient.patientId });
    expect(rows.filter((row) => row.channel === 'sms').map((row) => row.event)).toEqual([
      'booking_confirmed',
      'booking_cancelled',
      'booking_confirmed',
      'booking_cancelled',
    ]);
    // The email templates carry the reason: the patient's own cancellation has none, staff give one.
    const reasons = rows
      .filter((row) => row.channel === 'email' && row.event === 'booking_cancelled')
      .map((row) => JSON.parse(row.params).reason);
    expect(reasons).toEqual(['无', '患者来电改期']);
  });

  it('tells every patient of a stopped session (停诊), and withdraws their reminders not yet sent', async () => {
    const doctorId = await createDoctor(server, '停诊医生');
    const date = daysFromToday(6);
    await server.http.put(`${STAFF}/schedule/doctors/${doctorId}/weekly/${weekdayOf(date)}/afternoon`, {
      bearer: admin,
      json: { capacity: 5 },
    });
    const patients = [];
    for (let index = 0; index < 3; index += 1) {
      const patient = await registerAndLoginPatient(server.http);
      const booked = await book(server, patient.token, { doctor_id: doctorId, date, period: 'afternoon' });
      expect(booked.status, booked.text).toBe(201);
      patients.push({ ...patient, appointmentId: booked.body.data.id as number });
    }
    // A reminder already queued for the first (as the scan would have) must not go out after the 停诊.
    await server.database.db
      .insertInto('notification_outbox')
      .values({
        idempotency_key: `test-reminder-${patients[0]!.appointmentId}`,
        event: 'appointment_reminder',
        channel: 'sms',
        patient_id: patients[0]!.patientId,
        appointment_id: patients[0]!.appointmentId,
        recipient: patients[0]!.phone,
        language: 'zh-CN',
        body: 'reminder',
        params: '{}',
        status: 'pending',
        next_attempt_at: Date.now() + 3_600_000,
        created_at: Date.now(),
        updated_at: Date.now(),
      })
      .execute();
    const stopped = await server.http.post(`${STAFF}/schedule/doctors/${doctorId}/exceptions`, {
      bearer: admin,
      json: { date, period: 'afternoon', kind: 'cancelled', reason: '医生外出会诊' },
    });
    expect(stopped.status, stopped.text).toBe(201);
    expect(stopped.body.affectedCount).toBe(3);
    for (const patient of patients) {
      const rows = await outboxRows(server, { patientId: patient.patientId, event: 'session_stopped' });
      expect(rows, `patient ${patient.patientId}`).toHaveLength(1);
      expect(rows[0]!.body).toContain('医生外出会诊');
      expect(rows[0]!.appointment_id).toBe(patient.appointmentId);
    }
    const [reminder] = await outboxRows(server, { patientId: patients[0]!.patientId, event: 'appointment_reminder' });
    expect(reminder?.status).toBe('cancelled');
  });

  it("reaches a patient staff registered (no portal account) on the record's phone", async () => {
    const tel = uniquePhone();
    const created = await server.http.post(`${STAFF}/patient/`, {
      bearer: admin,
      json: createPatientBody({ name: '电话客户', tel }),
    });
    expect(created.status, created.text).toBe(201);
    const patientId = Number(created.body.newPatient.id);
    const { doctorId, date } = await doctorWithMorning(7);
    const booked = await server.http.post(`${STAFF}/appointment`, {
      bearer: admin,
      json: { patient_id: patientId, doctor_id: doctorId, date, period: 'morning' },
    });
    expect(booked.status, booked.text).toBe(201);
    const rows = await outboxRows(server, { patientId });
    expect(rows.map((row) => [row.event, row.channel, row.recipient])).toEqual([['booking_confirmed', 'sms', tel]]);
  });

  it("follows the patient's settings: English, email on, SMS off", async () => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), 'Alice');
    const saved = await server.http.put('/patient/notification-settings', {
      bearer: patient.token,
      json: { language: 'en', sms: false, email_enabled: true, email: 'alice@example.com' },
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.data).toMatchObject({
      language: 'en',
      sms: false,
      email_enabled: true,
      email: 'alice@example.com',
    });
    const { doctorId, date } = await doctorWithMorning(8);
    expect((await book(server, patient.token, { doctor_id: doctorId, date, period: 'morning' })).status).toBe(201);
    const rows = await outboxRows(server, { patientId: patient.patientId });
    expect(rows.map((row) => [row.channel, row.recipient, row.language])).toEqual([
      ['email', 'alice@example.com', 'en'],
    ]);
    expect(rows[0]!.subject).toContain('Appointment booked');
    expect(rows[0]!.body).toContain('morning');
  });

  it('refuses email on without an address, naming email', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const refused = await server.http.put('/patient/notification-settings', {
      bearer: patient.token,
      json: { email_enabled: true },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.msg).toContain('email');
  });
});

function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}
