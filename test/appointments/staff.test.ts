import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPatientBody,
  createStaffUser,
  DEFAULT_ROLE,
  registerAndLoginPatient,
  STAFF,
  staffLogin,
  uniquePhone,
  unixNow,
} from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { addSession, book, clinicToday, createDoctor, daysFromToday, moveSession } from './helpers.js';

let server: TestServer;
let admin: string;
let frontDesk: { id: number; token: string };
let consultant: { id: number; token: string };
let manager: { id: number; token: string };

/** A role made for the test: permissions inserted directly (role management is another feature). */
async function createRole(name: string, permissions: string[]): Promise<string> {
  const role = await server.database.db
    .insertInto('roles')
    .values({ name, builtin_key: null, created_at: unixNow() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await server.database.db
    .insertInto('role_permissions')
    .values(permissions.map((permission_key) => ({ role_id: role.id, permission_key })))
    .execute();
  return name;
}

async function createPoolPatient(token: string, tel = uniquePhone()): Promise<{ id: number; tel: string }> {
  const response = await server.http.post(`${STAFF}/patient`, {
    bearer: token,
    json: createPatientBody({ tel, name: '池中患者' }),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { id: Number(response.body.newPatient.id), tel };
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  frontDesk = await createStaffUser(server, 'desk_user', DEFAULT_ROLE.frontDesk);
  consultant = await createStaffUser(server, 'consult_user', DEFAULT_ROLE.consultant);
  manager = await createStaffUser(server, 'manager_user', DEFAULT_ROLE.manager);
});
afterAll(async () => server?.close());

describe('schedules (appointments:schedules)', () => {
  it('sets and removes weekly sessions, adds and removes exceptions, audited; other roles are refused', async () => {
    const doctorId = await createDoctor(server);
    const put = await server.http.put(`${STAFF}/schedule/doctors/${doctorId}/weekly/3/morning`, {
      bearer: admin,
      form: { capacity: 6 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ weeklySession: { weekday: 3, period: 'morning', capacity: 6 } });
    const from = clinicToday();
    const schedule = await server.http.get(`${STAFF}/schedule/doctors/${doctorId}`, {
      query: { token: frontDesk.token, from, to: daysFromToday(13) },
    });
    expect(schedule.status).toBe(200);
    expect(schedule.body.schedule.weekly).toEqual([{ weekday: 3, period: 'morning', capacity: 6 }]);
    expect(schedule.body.schedule.sessions.length).toBeGreaterThanOrEqual(1);

    const extra = await addSession(server, admin, doctorId, daysFromToday(2), 'afternoon', 2);
    expect(extra.affectedCount).toBe(0);
    const duplicate = await server.http.post(`${STAFF}/schedule/doctors/${doctorId}/exceptions`, {
      bearer: admin,
      json: { date: daysFromToday(2), period: 'afternoon', kind: 'cancelled' },
    });
    expect(duplicate.status).toBe(409);
    const noCapacity = await server.http.post(`${STAFF}/schedule/doctors/${doctorId}/exceptions`, {
      bearer: admin,
      json: { date: daysFromToday(3), period: 'afternoon', kind: 'extra' },
    });
    expect(noCapacity.status).toBe(400);
    const pastDate = await server.http.post(`${STAFF}/schedule/doctors/${doctorId}/exceptions`, {
      bearer: admin,
      json: { date: daysFromToday(-1), period: 'morning', kind: 'cancelled' },
    });
    expect(pastDate.status).toBe(400);
    const removed = await server.http.delete(`${STAFF}/schedule/doctors/${doctorId}/exceptions/${extra.exception.id}`, {
      query: { token: admin },
    });
    expect(removed.status).toBe(200);
    expect(
      (
        await server.http.delete(`${STAFF}/schedule/doctors/${doctorId}/exceptions/${extra.exception.id}`, {
          bearer: admin,
        })
      ).status,
    ).toBe(404);
    expect(
      (await server.http.delete(`${STAFF}/schedule/doctors/${doctorId}/weekly/3/morning`, { bearer: admin })).status,
    ).toBe(200);
    expect(
      (await server.http.delete(`${STAFF}/schedule/doctors/${doctorId}/weekly/3/morning`, { bearer: admin })).status,
    ).toBe(404);

    for (const token of [frontDesk.token, consultant.token, manager.token]) {
      const denied = await server.http.put(`${STAFF}/schedule/doctors/${doctorId}/weekly/1/morning`, {
        bearer: token,
        json: { capacity: 3 },
      });
      expect(denied.status).toBe(403);
      expect(denied.body.state_code).toBe(48001);
    }
    expect(
      (
        await server.http.put(`${STAFF}/schedule/doctors/${doctorId}/weekly/8/morning`, {
          bearer: admin,
          json: { capacity: 3 },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await server.http.put(`${STAFF}/schedule/doctors/${doctorId}/weekly/1/night`, {
          bearer: admin,
          json: { capacity: 3 },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await server.http.put(`${STAFF}/schedule/doctors/${doctorId}/weekly/1/morning`, {
          bearer: admin,
          json: { capacity: 0 },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await server.http.put(`${STAFF}/schedule/doctors/999999/weekly/1/morning`, {
          bearer: admin,
          json: { capacity: 3 },
        })
      ).status,
    ).toBe(404);

    const actions = await server.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('target_type', '=', 'doctor')
      .where('target_id', '=', String(doctorId))
      .execute();
    const changes = actions.filter((row) => row.action !== 'access.denied');
    expect(changes.map((row) => row.action).sort()).toEqual([
      'schedule.exception_add',
      'schedule.exception_remove',
      'schedule.weekly_remove',
      'schedule.weekly_set',
    ]);
    // The three refused roles are on record (written after each answer: wait for them); the administrator's 404s are no denial.
    let denied: typeof actions = [];
    for (
      const deadline = Date.now() + 5000;
      denied.length < 3 && Date.now() < deadline;
      await new Promise((resolve) => setTimeout(resolve, 50))
    ) {
      denied = await server.database.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id'])
        .where('action', '=', 'access.denied')
        .where('target_id', '=', String(doctorId))
        .execute();
    }
    expect(denied.map((row) => Number(row.actor_id)).sort()).toEqual([frontDesk.id, consultant.id, manager.id].sort());
  });

  it('cancelling a booked session cancels its bookings and lists the patients to call, phones masked per permission', async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(4);
    await addSession(server, admin, doctorId, date, 'morning', 5);
    const booked = [];
    for (let index = 0; index < 3; index += 1) {
      const patient = await registerAndLoginPatient(server.http, uniquePhone(), `停诊患者${index}`);
      expect((await book(server, patient.token, { doctor_id: doctorId, date, period: 'morning' })).status).toBe(201);
      booked.push(patient);
    }
    // The extra session must be removed before a cancellation can replace it.
    const schedule = await server.http.get(`${STAFF}/schedule/doctors/${doctorId}`, {
      bearer: admin,
      query: { from: date, to: date },
    });
    await server.http.delete(
      `${STAFF}/schedule/doctors/${doctorId}/exceptions/${schedule.body.schedule.exceptions[0].id}`,
      { bearer: admin },
    );

    const clerkRole = await createRole('排班文员', [
      'appointments',
      'appointments:view',
      'appointments:schedules',
      'patients',
      'patients:view_all',
    ]);
    const clerk = await createStaffUser(server, 'clerk_user', clerkRole);
    const cancel = await server.http.post(`${STAFF}/schedule/doctors/${doctorId}/exceptions`, {
      bearer: clerk.token,
      json: { date, period: 'morning', kind: 'cancelled', reason: '医生外出' },
    });
    expect(cancel.status).toBe(201);
    expect(cancel.body.affectedCount).toBe(3);
    expect(cancel.body.affectedPatients.map((p: { name: string }) => p.name).sort()).toEqual([
      '停诊患者0',
      '停诊患者1',
      '停诊患者2',
    ]);
    for (const patient of cancel.body.affectedPatients) expect(patient.tel).toMatch(/^\d{3}\*{4}\d{4}$/);

    const mine = await server.http.get('/patient/appointments', { bearer: booked[0]!.token });
    // Cancelled by the clinic: no longer a visit to come, listed with the past ones and its reason.
    expect(mine.body.data.upcoming).toEqual([]);
    expect(mine.body.data.past[0]).toMatchObject({ status: 'cancelled', cancel_reason: '医生停诊：医生外出' });
    const sessions = await server.http.get(`/patient/doctors/${doctorId}/sessions`, {
      query: { from: date, to: date },
    });
    expect(sessions.body.data.sessions).toEqual([]);
    const pool = await server.database.db
      .selectFrom('patients')
      .select('order_time')
      .where('id', '=', booked[0]!.patientId)
      .executeTakeFirstOrThrow();
    expect(pool.order_time).toBeNull();
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select(['target_id', 'actor_id'])
      .where('action', '=', 'appointment.cancel')
      .where(
        'target_id',
        'in',
        cancel.body.affectedPatients.map((p: { appointmentId: string }) => p.appointmentId),
      )
      .execute();
    expect(audit).toHaveLength(3);
    expect(audit.every((row) => row.actor_id === clerk.id)).toBe(true);
  });

  it('lists full phones to a caller with patients:view_full_phone', async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(6);
    await addSession(server, admin, doctorId, date, 'afternoon', 5);
    const patient = await registerAndLoginPatient(server.http);
    await book(server, patient.token, { doctor_id: doctorId, date, period: 'afternoon' });
    const schedule = await server.http.get(`${STAFF}/schedule/doctors/${doctorId}`, {
      bearer: admin,
      query: { from: date, to: date },
    });
    await server.http.delete(
      `${STAFF}/schedule/doctors/${doctorId}/exceptions/${schedule.body.schedule.exceptions[0].id}`,
      { bearer: admin },
    );
    const cancel = await server.http.post(`${STAFF}/schedule/doctors/${doctorId}/exceptions`, {
      bearer: admin,
      form: { date, period: 'afternoon', kind: 'cancelled' },
    });
    expect(cancel.body.affectedPatients).toEqual([
      { appointmentId: expect.any(String), patientId: String(patient.patientId), name: '测试患者', tel: patient.phone },
    ]);
  });
});

describe('appointments on the staff side', () => {
  it("front desk books on a patient's behalf, sees the day list (masked phones), marks arrived and missed", async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(3);
    await addSession(server, admin, doctorId, date, 'morning', 2);
    const first = await createPoolPatient(admin);
    const second = await createPoolPatient(admin);

    const booked = await server.http.post(`${STAFF}/appointment`, {
      bearer: frontDesk.token,
      form: { patient_id: first.id, doctor_id: doctorId, date, period: 'morning' },
    });
    expect(booked.status).toBe(201);
    expect(booked.body.appointment).toMatchObject({
      patientId: String(first.id),
      source: 'staff',
      status: 'booked',
      bookedBy: String(frontDesk.id),
      tel: `${first.tel.slice(0, 3)}****${first.tel.slice(-4)}`,
    });
    const secondBooking = await server.http.post(`${STAFF}/appointment`, {
      bearer: admin,
      json: { patient_id: second.id, doctor_id: doctorId, date, period: 'morning' },
    });
    expect(secondBooking.status).toBe(201);
    const full = await server.http.post(`${STAFF}/appointment`, {
      bearer: admin,
      json: { patient_id: (await createPoolPatient(admin)).id, doctor_id: doctorId, date, period: 'morning' },
    });
    expect(full.status).toBe(409);
    expect(full.body).toEqual({ state_code: 40901, msg: '该时段号源已满，请选择其他时段' });

    const day = await server.http.get(`${STAFF}/appointment/day`, {
      query: { token: frontDesk.token, doctor_id: doctorId, date },
    });
    expect(day.status).toBe(200);
    expect(day.body.sessions).toEqual([{ period: 'morning', capacity: 2, booked: 2, remaining: 0 }]);
    expect(day.body.appointments.map((a: { patientId: string }) => a.patientId)).toEqual([
      String(first.id),
      String(second.id),
    ]);
    expect(day.body.appointments[0].tel).toContain('****');

    const early = await server.http.post(`${STAFF}/appointment/${booked.body.appointment.id}/arrive`, {
      bearer: frontDesk.token,
      json: {},
    });
    expect(early.status).toBe(409);
    const earlyMiss = await server.http.post(`${STAFF}/appointment/${booked.body.appointment.id}/miss`, {
      bearer: frontDesk.token,
    });
    expect(earlyMiss.status).toBe(409);

    await moveSession(server, Number(booked.body.appointment.id), clinicToday());
    const arrived = await server.http.post(`${STAFF}/appointment/${booked.body.appointment.id}/arrive`, {
      bearer: frontDesk.token,
      json: { spend_fen: 12000, notes: '初诊' },
    });
    expect(arrived.status).toBe(200);
    expect(arrived.body.appointment.status).toBe('arrived');
    expect(arrived.body.appointment.visitId).not.toBeNull();
    const pool = await server.database.db
      .selectFrom('patients')
      .selectAll()
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    expect(pool).toMatchObject({ state: 1, visit_count: 1, spend_fen: 12000, doctor_id: doctorId });
    const visit = await server.database.db
      .selectFrom('visits')
      .selectAll()
      .where('patient_id', '=', first.id)
      .executeTakeFirstOrThrow();
    expect(visit).toMatchObject({
      appointment_id: Number(booked.body.appointment.id),
      doctor_id: doctorId,
      is_first_visit: 1,
      recorded_by: frontDesk.id,
    });
    expect(
      (
        await server.http.post(`${STAFF}/appointment/${booked.body.appointment.id}/arrive`, {
          bearer: frontDesk.token,
          json: {},
        })
      ).status,
    ).toBe(409);

    await moveSession(server, Number(secondBooking.body.appointment.id), daysFromToday(-1));
    const missed = await server.http.post(`${STAFF}/appointment/${secondBooking.body.appointment.id}/miss`, {
      bearer: frontDesk.token,
      json: {},
    });
    expect(missed.status).toBe(200);
    expect(missed.body.appointment.status).toBe('missed');

    const audit = await server.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('target_type', '=', 'appointment')
      .where('actor_type', '=', 'staff')
      .where('actor_id', '=', frontDesk.id)
      .execute();
    expect(audit.map((row) => row.action).sort()).toEqual([
      'appointment.arrive',
      'appointment.book',
      'appointment.miss',
    ]);
    const arrivalAudit = await server.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'patient.arrival')
      .where('target_id', '=', String(first.id))
      .execute();
    expect(arrivalAudit).toHaveLength(1);
  });

  it('staff cancel needs a reason; refuses roles without appointments:manage', async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(5);
    await addSession(server, admin, doctorId, date, 'afternoon', 2);
    const patient = await createPoolPatient(admin);
    const booked = await server.http.post(`${STAFF}/appointment`, {
      bearer: admin,
      json: { patient_id: patient.id, doctor_id: doctorId, date, period: 'afternoon' },
    });
    const id = booked.body.appointment.id;

    for (const token of [consultant.token, manager.token]) {
      expect(
        (await server.http.post(`${STAFF}/appointment/${id}/cancel`, { bearer: token, json: { reason: 'x' } })).status,
      ).toBe(403);
      expect(
        (
          await server.http.post(`${STAFF}/appointment`, {
            bearer: token,
            json: { patient_id: patient.id, doctor_id: doctorId, date, period: 'afternoon' },
          })
        ).status,
      ).toBe(403);
      expect((await server.http.post(`${STAFF}/appointment/${id}/arrive`, { bearer: token, json: {} })).status).toBe(
        403,
      );
    }
    expect((await server.http.get(`${STAFF}/appointment/${id}`)).status).toBe(401);
    const noReason = await server.http.post(`${STAFF}/appointment/${id}/cancel`, { bearer: frontDesk.token, json: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.state_code).toBe(44001);
    const cancelled = await server.http.post(`${STAFF}/appointment/${id}/cancel`, {
      bearer: frontDesk.token,
      form: { reason: '患者来电改期' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.appointment).toMatchObject({ status: 'cancelled', cancelReason: '患者来电改期' });
    const list = await server.http.get(`${STAFF}/appointment`, {
      query: { token: manager.token, patient_id: patient.id },
    });
    expect(list.status).toBe(200);
    expect(list.body.appointments.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([
      [id, 'cancelled'],
    ]);
  });

  it('keeps consultants to their own patients: others answer 404 like missing ids', async () => {
    const doctorId = await createDoctor(server);
    const date = daysFromToday(7);
    await addSession(server, admin, doctorId, date, 'morning', 5);
    const bookingConsultantRole = await createRole('可代约客服', [
      'patients',
      'patients:view_own',
      'patients:create',
      'appointments',
      'appointments:view',
      'appointments:manage',
    ]);
    const bookingConsultant = await createStaffUser(server, 'consult_booker', bookingConsultantRole);
    const own = await createPoolPatient(bookingConsultant.token);
    const foreign = await createPoolPatient(admin);

    const ownBooking = await server.http.post(`${STAFF}/appointment`, {
      bearer: bookingConsultant.token,
      json: { patient_id: own.id, doctor_id: doctorId, date, period: 'morning' },
    });
    expect(ownBooking.status).toBe(201);
    const foreignBooking = await server.http.post(`${STAFF}/appointment`, {
      bearer: bookingConsultant.token,
      json: { patient_id: foreign.id, doctor_id: doctorId, date, period: 'morning' },
    });
    const missingPatient = await server.http.post(`${STAFF}/appointment`, {
      bearer: bookingConsultant.token,
      json: { patient_id: 99999999, doctor_id: doctorId, date, period: 'morning' },
    });
    expect(foreignBooking.status).toBe(404);
    expect(foreignBooking.body).toEqual(missingPatient.body);

    const adminBooking = await server.http.post(`${STAFF}/appointment`, {
      bearer: admin,
      json: { patient_id: foreign.id, doctor_id: doctorId, date, period: 'morning' },
    });
    const foreignId = adminBooking.body.appointment.id;
    const peek = await server.http.get(`${STAFF}/appointment/${foreignId}`, { bearer: bookingConsultant.token });
    const missing = await server.http.get(`${STAFF}/appointment/99999999`, { bearer: bookingConsultant.token });
    expect(peek.status).toBe(404);
    expect(peek.body).toEqual(missing.body);
    expect(
      (
        await server.http.post(`${STAFF}/appointment/${foreignId}/cancel`, {
          bearer: bookingConsultant.token,
          json: { reason: 'x' },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await server.http.get(`${STAFF}/appointment`, {
          bearer: bookingConsultant.token,
          query: { patient_id: foreign.id },
        })
      ).status,
    ).toBe(404);

    const day = await server.http.get(`${STAFF}/appointment/day`, {
      bearer: bookingConsultant.token,
      query: { doctor_id: doctorId, date },
    });
    expect(day.body.appointments.map((a: { patientId: string }) => a.patientId)).toEqual([String(own.id)]);
    expect(day.body.sessions[0]).toMatchObject({ booked: 2 });
    const adminDay = await server.http.get(`${STAFF}/appointment/day`, {
      bearer: admin,
      query: { doctor_id: doctorId, date },
    });
    expect(adminDay.body.appointments).toHaveLength(2);
  });
});
