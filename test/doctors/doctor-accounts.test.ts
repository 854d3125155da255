import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSession, clinicToday, createDoctor, daysFromToday, moveSession } from '../appointments/helpers.js';
import {
  createPatientBody,
  createStaffUser,
  DEFAULT_ROLE,
  STAFF,
  staffLogin,
  uniquePhone,
} from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: string;
let doctorA: number;
let doctorB: number;
let doctorRoleId: number;
let mine: { id: number; appointmentId: number };
let other: { id: number; appointmentId: number };
let unbooked: number;

async function createPatient(name: string): Promise<number> {
  const response = await server.http.post(`${STAFF}/patient`, {
    bearer: admin,
    json: createPatientBody({
      name,
      tel: uniquePhone(),
      media_from_id: 1,
      disease_id: 1,
      advisory_way: '电话',
      advisory_content: '营销：朋友介绍，关注价格',
      remarks: '怕打针',
    }),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  const id = Number(response.body.newPatient.id);
  await server.database.db
    .updateTable('patients')
    .set({ medical_history: '青霉素过敏', age: 35 })
    .where('id', '=', id)
    .execute();
  return id;
}

/** Books the patient with the doctor through the staff API, then moves the session to today's morning. */
async function bookToday(
  patientId: number,
  doctorId: number,
  period: 'morning' | 'afternoon',
  visitReason?: string,
): Promise<number> {
  const date = daysFromToday(3);
  await addSession(server, admin, doctorId, date, period, 5);
  const booked = await server.http.post(`${STAFF}/appointment`, {
    bearer: admin,
    json: { patient_id: patientId, doctor_id: doctorId, date, period, visit_reason: visitReason },
  });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  expect(booked.body.appointment.visitReason).toBe(visitReason ?? null);
  const appointmentId = Number(booked.body.appointment.id);
  await moveSession(server, appointmentId, clinicToday(), period);
  return appointmentId;
}

async function auditActions(targetId: number, targetType: string): Promise<string[]> {
  const rows = await server.database.db
    .selectFrom('audit_log')
    .select('action')
    .where('target_type', '=', targetType)
    .where('target_id', '=', String(targetId))
    .orderBy('id')
    .execute();
  return rows.map((row) => row.action);
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  doctorA = await createDoctor(server, '甲医生');
  doctorB = await createDoctor(server, '乙医生');
  const role = await server.database.db
    .selectFrom('roles')
    .select(['id', 'name'])
    .where('builtin_key', '=', 'doctor')
    .executeTakeFirstOrThrow();
  expect(role.name).toBe('医生');
  doctorRoleId = role.id;
  const mineId = await createPatient('甲的患者');
  mine = { id: mineId, appointmentId: await bookToday(mineId, doctorA, 'afternoon', '术后复查，伤口有点痒') };
  const otherId = await createPatient('乙的患者');
  other = { id: otherId, appointmentId: await bookToday(otherId, doctorB, 'morning') };
  unbooked = await createPatient('无预约患者');
});
afterAll(async () => server?.close());

describe('doctor accounts (staff-users)', () => {
  let doctorUser: number;
  let doctorToken: string;

  it('an administrator creates an account linked to a catalog doctor; a second link answers 409; audited', async () => {
    const created = await server.http.post(`${STAFF}/staff`, {
      bearer: admin,
      json: {
        username: 'doctor_a',
        display_name: '甲医生',
        password: 'doctor-password-1',
        role_id: doctorRoleId,
        doctor_id: doctorA,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.user).toMatchObject({ doctorId: String(doctorA), doctorName: '甲医生', roleName: '医生' });
    doctorUser = Number(created.body.user.id);

    const second = await server.http.post(`${STAFF}/staff`, {
      bearer: admin,
      json: {
        username: 'doctor_a2',
        display_name: 'x',
        password: 'doctor-password-1',
        role_id: doctorRoleId,
        doctor_id: doctorA,
      },
    });
    expect(second.status).toBe(409);
    const unknown = await server.http.post(`${STAFF}/staff`, {
      bearer: admin,
      json: {
        username: 'doctor_a3',
        display_name: 'x',
        password: 'doctor-password-1',
        role_id: doctorRoleId,
        doctor_id: 999999,
      },
    });
    expect(unknown.status).toBe(400);
    expect(await auditActions(doctorUser, 'staff_user')).toEqual(['staff_user.create']);
    doctorToken = await staffLogin(server.http, 'doctor_a', 'doctor-password-1');
  });

  it('non-administrators may not link (403)', async () => {
    const desk = await createStaffUser(server, 'desk_user', DEFAULT_ROLE.frontDesk);
    const patch = await server.http.patch(`${STAFF}/staff/${doctorUser}`, {
      bearer: desk.token,
      json: { doctor_id: doctorB },
    });
    expect(patch.status).toBe(403);
    const create = await server.http.post(`${STAFF}/staff`, {
      bearer: desk.token,
      json: {
        username: 'doctor_b',
        display_name: 'x',
        password: 'doctor-password-1',
        role_id: doctorRoleId,
        doctor_id: doctorB,
      },
    });
    expect(create.status).toBe(403);
  });

  it('the doctor sees only the patients booked with them, without marketing fields', async () => {
    const me = await server.http.get(`${STAFF}/me`, { query: { token: doctorToken } });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ dataScope: 'doctor', doctorId: String(doctorA) });

    const menu = await server.http.get(`${STAFF}/menu`, { query: { token: doctorToken } });
    expect(menu.status).toBe(200);
    const titles = (menu.body as { child: { title: string }[] }[]).flatMap((branch) =>
      branch.child.map((leaf) => leaf.title),
    );
    expect(titles).toContain('医生工作台');

    const list = await server.http.get(`${STAFF}/patient`, { query: { token: doctorToken } });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.patients.map((row: { id: string }) => Number(row.id))).toEqual([mine.id]);
    const row = list.body.patients[0];
    for (const field of ['mediaFromId', 'advisoryWay', 'advisoryContent']) expect(row).not.toHaveProperty(field);
    expect(row.remarks).toBe('怕打针');

    const detail = await server.http.get(`${STAFF}/patient/${mine.id}`, { query: { token: doctorToken } });
    expect(detail.status).toBe(200);
    for (const field of ['mediaFromId', 'mediaFromName', 'advisoryWay', 'advisoryContent', 'spend'])
      expect(detail.body.patient).not.toHaveProperty(field);
    expect(detail.body.patient.medicalHistory).toBe('青霉素过敏');

    // The administrator still sees them.
    const adminDetail = await server.http.get(`${STAFF}/patient/${mine.id}`, { query: { token: admin } });
    expect(adminDetail.body.patient).toMatchObject({ advisoryContent: '营销：朋友介绍，关注价格', spend: '0.00' });

    const missing = await server.http.get(`${STAFF}/patient/99999999`, { query: { token: doctorToken } });
    for (const id of [other.id, unbooked]) {
      const answer = await server.http.get(`${STAFF}/patient/${id}`, { query: { token: doctorToken } });
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual(missing.body);
    }

    const search = await server.http.get(`${STAFF}/patient`, { query: { token: doctorToken, keyword: '乙的患者' } });
    expect(search.status).toBe(200);
    expect(search.body.total).toBe(0);
    const searchMine = await server.http.get(`${STAFF}/patient`, { query: { token: doctorToken, keyword: '甲的' } });
    expect(searchMine.body.patients.map((r: { id: string }) => Number(r.id))).toEqual([mine.id]);

    const appointments = await server.http.get(`${STAFF}/appointment/${other.appointmentId}`, {
      query: { token: doctorToken },
    });
    expect([403, 404]).toContain(appointments.status);
  });

  it('a role with view_booked, export and statistics: only the booked patients are exported and counted, marketing cells empty', async () => {
    const role = await server.database.db
      .insertInto('roles')
      .values({ name: '医生导出', builtin_key: null, created_at: Math.floor(Date.now() / 1000) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await server.database.db
      .insertInto('role_permissions')
      .values(
        ['patients', 'patients:view_booked', 'patients:export', 'statistics', 'statistics:view'].map(
          (permission_key) => ({
            role_id: role.id,
            permission_key,
          }),
        ),
      )
      .execute();
    const exporter = await createStaffUser(server, 'doctor_export', '医生导出');
    await server.database.db
      .updateTable('staff_users')
      .set({ doctor_id: doctorB })
      .where('id', '=', exporter.id)
      .execute();
    const csv = await server.http.get(`${STAFF}/patient/export`, { query: { token: exporter.token, format: 'csv' } });
    expect(csv.status, String(csv.text)).toBe(200);
    const text = String(csv.text);
    expect(text).toContain('乙的患者');
    expect(text).not.toContain('甲的患者');
    expect(text).not.toContain('营销');
    // Statistics count the doctor's patients only (one registered today, booked with doctor B).
    const range = {
      from: Math.floor(Date.now() / 1000) - 7 * 86_400,
      to: Math.floor(Date.now() / 1000) + 86_400,
      bucket: 'day',
    };
    const funnel = await server.http.get(`${STAFF}/statistics/funnel`, { query: { token: exporter.token, ...range } });
    expect(funnel.status, funnel.text).toBe(200);
    expect(funnel.body.funnel.totals.inquiries).toBe(1);
    const adminFunnel = await server.http.get(`${STAFF}/statistics/funnel`, { query: { token: admin, ...range } });
    expect(adminFunnel.body.funnel.totals.inquiries).toBeGreaterThanOrEqual(3);
    await server.database.db
      .updateTable('staff_users')
      .set({ doctor_id: null })
      .where('id', '=', exporter.id)
      .execute();
  });

  it("the doctor's day: the appointment by session with the patient's details; arrive, then seen", async () => {
    const day = await server.http.get(`${STAFF}/doctor/day`, { query: { token: doctorToken } });
    expect(day.status, JSON.stringify(day.body)).toBe(200);
    expect(day.body.date).toBe(clinicToday());
    expect(day.body.doctor).toMatchObject({ id: String(doctorA), name: '甲医生' });
    const [morning, afternoon] = day.body.sessions;
    expect(morning).toMatchObject({ period: 'morning', label: '上午', appointments: [] });
    expect(afternoon.period).toBe('afternoon');
    expect(afternoon.appointments).toHaveLength(1);
    expect(afternoon.appointments[0]).toMatchObject({
      id: String(mine.appointmentId),
      state: 'booked',
      actions: ['arrive'],
      patient: {
        id: String(mine.id),
        name: '甲的患者',
        age: 35,
        notes: '怕打针',
        medicalHistory: '青霉素过敏',
        previousVisits: 0,
        lastVisitTime: null,
      },
    });
    // The booking's 就诊原因 is the reason (without one, the disease on the record).
    expect(afternoon.appointments[0].patient.reason).toBe('术后复查，伤口有点痒');
    expect(JSON.stringify(day.body)).not.toContain('营销');

    const other_ = await server.http.post(`${STAFF}/doctor/appointment/${other.appointmentId}/arrive`, {
      bearer: doctorToken,
      json: {},
    });
    expect(other_.status).toBe(404);
    const early = await server.http.post(`${STAFF}/doctor/appointment/${mine.appointmentId}/seen`, {
      bearer: doctorToken,
      json: {},
    });
    expect(early.status).toBe(409);
    const arrived = await server.http.post(`${STAFF}/doctor/appointment/${mine.appointmentId}/arrive`, {
      bearer: doctorToken,
      json: {},
    });
    expect(arrived.status, JSON.stringify(arrived.body)).toBe(200);
    expect(arrived.body.appointment).toMatchObject({ state: 'arrived', visitId: expect.any(String) });
    const seen = await server.http.post(`${STAFF}/doctor/appointment/${mine.appointmentId}/seen`, {
      bearer: doctorToken,
      json: {},
    });
    expect(seen.status).toBe(200);
    expect(seen.body.appointment.state).toBe('seen');
    const again = await server.http.post(`${STAFF}/doctor/appointment/${mine.appointmentId}/seen`, {
      bearer: doctorToken,
      json: {},
    });
    expect(again.status).toBe(409);
    expect(await auditActions(mine.appointmentId, 'appointment')).toEqual(
      expect.arrayContaining(['appointment.arrive', 'appointment.seen']),
    );

    const after = await server.http.get(`${STAFF}/doctor/day`, { query: { token: doctorToken, date: clinicToday() } });
    expect(after.body.sessions[1].appointments[0]).toMatchObject({ state: 'seen', actions: [] });
    // The front desk sees it too: arrived, and seen by the doctor.
    const desk = await server.http.get(`${STAFF}/worklists/front-desk`, {
      bearer: admin,
      query: { date: clinicToday(), doctor_id: doctorA },
    });
    expect(desk.status, desk.text).toBe(200);
    const deskRow = desk.body.appointments.find(
      (row: { appointmentId: string }) => row.appointmentId === String(mine.appointmentId),
    );
    expect(deskRow).toMatchObject({ state: 'arrived' });
    expect(Number(deskRow.seenAt)).toBeGreaterThan(0);
    const tomorrow = await server.http.get(`${STAFF}/doctor/day`, {
      query: { token: doctorToken, date: after.body.nextDate },
    });
    expect(tomorrow.body.sessions.flatMap((s: { appointments: unknown[] }) => s.appointments)).toEqual([]);
    // Today's visit is no previous visit; tomorrow's view of it would count it.
    const bad = await server.http.get(`${STAFF}/doctor/day`, { query: { token: doctorToken, date: '2026-02-30' } });
    expect(bad.status).toBe(400);

    const schedule = await server.http.get(`${STAFF}/doctor/schedule`, { query: { token: doctorToken } });
    expect(schedule.status).toBe(200);
    expect(schedule.body.doctor.id).toBe(String(doctorA));
    expect(Array.isArray(schedule.body.weekly)).toBe(true);
  });

  it("the 医生 role writes the notes of its own patients' visits, and finds another doctor's visit like a missing one", async () => {
    const visitOf = async (patientId: number) =>
      Number(
        (
          await server.database.db
            .selectFrom('visits')
            .select('id')
            .where('patient_id', '=', patientId)
            .executeTakeFirstOrThrow()
        ).id,
      );
    const arrivedOther = await server.http.post(`${STAFF}/appointment/${other.appointmentId}/arrive`, {
      bearer: admin,
      json: {},
    });
    expect(arrivedOther.status, arrivedOther.text).toBe(200);
    const written = await server.http.post(`${STAFF}/visit/${await visitOf(mine.id)}/notes`, {
      bearer: doctorToken,
      json: { chief_complaint: '头痛三天', advice: '多休息' },
    });
    expect(written.status, written.text).toBe(201);
    const othersVisit = await server.http.get(`${STAFF}/visit/${await visitOf(other.id)}/notes`, {
      bearer: doctorToken,
    });
    const missing = await server.http.get(`${STAFF}/visit/987654321/notes`, { bearer: doctorToken });
    expect(othersVisit.status).toBe(404);
    expect(othersVisit.body).toEqual(missing.body);
  });

  it('unlinking takes the scope and the day away at once (409 with a clear message); relinking is audited', async () => {
    const unlink = await server.http.patch(`${STAFF}/staff/${doctorUser}`, {
      bearer: admin,
      json: { doctor_id: null },
    });
    expect(unlink.status, JSON.stringify(unlink.body)).toBe(200);
    expect(unlink.body.user.doctorId).toBeNull();
    const day = await server.http.get(`${STAFF}/doctor/day`, { query: { token: doctorToken } });
    expect(day.status).toBe(409);
    expect(day.body.msg).toContain('未关联医生');
    const list = await server.http.get(`${STAFF}/patient`, { query: { token: doctorToken } });
    expect(list.status).toBe(403);

    const second = await createStaffUser(server, 'other_doctor', '医生');
    const takeA = await server.http.patch(`${STAFF}/staff/${second.id}`, {
      bearer: admin,
      json: { doctor_id: doctorA },
    });
    expect(takeA.status).toBe(200);
    const relink = await server.http.patch(`${STAFF}/staff/${doctorUser}`, {
      bearer: admin,
      json: { doctor_id: doctorA },
    });
    expect(relink.status).toBe(409);
    const linkB = await server.http.patch(`${STAFF}/staff/${doctorUser}`, {
      bearer: admin,
      json: { doctor_id: doctorB },
    });
    expect(linkB.status).toBe(200);
    const accountEvents = (await auditActions(doctorUser, 'staff_user')).filter((a) => a.startsWith('staff_user.'));
    expect(accountEvents).toEqual(['staff_user.create', 'staff_user.doctor_unlink', 'staff_user.doctor_link']);
    const listB = await server.http.get(`${STAFF}/patient`, { query: { token: doctorToken } });
    expect(listB.body.patients.map((r: { id: string }) => Number(r.id))).toEqual([other.id]);
  });
});
