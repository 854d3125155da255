import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStaffUser,
  DEFAULT_ROLE,
  registerAndLoginPatient,
  STAFF,
  staffLogin,
  uniquePhone,
  unixNow,
} from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { auditRows, createPatient, inAWeek, pastDate, patientRow } from './helpers.js';

let server: TestServer;
let admin: string;
let consultantA: { id: number; token: string };
let consultantB: { id: number; token: string };
let frontDesk: { id: number; token: string };

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  consultantA = await createStaffUser(server, 'consult_a', DEFAULT_ROLE.consultant);
  consultantB = await createStaffUser(server, 'consult_b', DEFAULT_ROLE.consultant);
  frontDesk = await createStaffUser(server, 'front_desk', DEFAULT_ROLE.frontDesk);
});
afterAll(async () => server?.close());

const ids = (body: { patients: { id: string }[] }) => body.patients.map((patient) => patient.id);

describe('recycle bin: delete, list, restore, purge', () => {
  it('refuses delete to a consultant (no patients:delete) and the bin to the front desk', async () => {
    const id = await createPatient(server, consultantA.token);
    const denied = await server.http.delete(`${STAFF}/patient/${id}`, { query: { token: consultantA.token } });
    expect(denied.status).toBe(403);
    expect(denied.body.state_code).toBe(48001);
    expect((await patientRow(server, id))?.deleted_at).toBeNull();
    const bin = await server.http.get(`${STAFF}/patient/recycle-bin`, { query: { token: frontDesk.token } });
    expect(bin.status).toBe(403);
    expect(await auditRows(server, 'patient.delete', id)).toHaveLength(0);
  });

  it('round-trips a record: delete hides it everywhere, restore brings it back', async () => {
    const tel = uniquePhone();
    const id = await createPatient(server, consultantA.token, { tel, name: '回收站客户' });
    const deleted = await server.http.delete(`${STAFF}/patient/${id}`, { query: { token: admin } });
    expect(deleted.status).toBe(200);
    expect(deleted.body.deletedPatient.id).toBe(String(id));
    expect(await auditRows(server, 'patient.delete', id)).toHaveLength(1);

    expect((await server.http.get(`${STAFF}/patient/${id}`, { query: { token: admin } })).status).toBe(404);
    const list = await server.http.get(`${STAFF}/patient/`, { query: { token: admin, page_size: 200 } });
    expect(ids(list.body)).not.toContain(String(id));
    const duplicates = await server.http.get(`${STAFF}/patient/duplicates`, { query: { token: admin, tel } });
    expect(duplicates.body.total).toBe(0);
    expect((await server.http.patch(`${STAFF}/patient/${id}`, { json: { token: admin, name: 'x' } })).status).toBe(404);
    expect((await server.http.delete(`${STAFF}/patient/${id}`, { query: { token: admin } })).status).toBe(404);

    const bin = await server.http.get(`${STAFF}/patient/recycle-bin`, { query: { token: admin } });
    expect(bin.status).toBe(200);
    expect(bin.body.patients.find((row: { id: string }) => row.id === String(id))).toMatchObject({
      name: '回收站客户',
      deletedByName: '系统管理员',
    });

    const restored = await server.http.post(`${STAFF}/patient/${id}/restore`, { json: { token: admin } });
    expect(restored.status).toBe(200);
    expect(restored.body.patient).toMatchObject({ id: String(id), name: '回收站客户' });
    expect(await auditRows(server, 'patient.restore', id)).toHaveLength(1);
    expect((await server.http.get(`${STAFF}/patient/${id}`, { query: { token: consultantA.token } })).status).toBe(200);
    const binAfter = await server.http.get(`${STAFF}/patient/recycle-bin`, { query: { token: admin } });
    expect(ids(binAfter.body)).not.toContain(String(id));
    const again = await server.http.post(`${STAFF}/patient/${id}/restore`, { json: { token: admin } });
    expect(again.status).toBe(404);
    expect(await auditRows(server, 'patient.restore', id)).toHaveLength(1);
  });

  it('purges only from the bin, with visits, follow-ups, the portal account and its sessions', async () => {
    const portal = await registerAndLoginPatient(server.http);
    const id = portal.patientId;
    expect(
      (await server.http.post(`${STAFF}/patient/${id}/arrival`, { json: { token: admin, reach_time: unixNow() } }))
        .status,
    ).toBe(201);
    const followUp = await server.http.post(`${STAFF}/patient/${id}/follow-ups`, {
      json: { token: admin, contact_time: unixNow(), way: '电话', content: '术后回访' },
    });
    expect(followUp.status).toBe(201);

    const live = await server.http.delete(`${STAFF}/patient/${id}/purge`, { query: { token: admin } });
    expect(live.status).toBe(404);
    expect(await patientRow(server, id)).toBeDefined();

    expect((await server.http.delete(`${STAFF}/patient/${id}`, { json: { token: admin } })).status).toBe(200);
    const denied = await server.http.delete(`${STAFF}/patient/${id}/purge`, { query: { token: frontDesk.token } });
    expect(denied.status).toBe(403);
    const purged = await server.http.delete(`${STAFF}/patient/${id}/purge`, { query: { token: admin } });
    expect(purged.status, JSON.stringify(purged.body)).toBe(200);
    expect(purged.body.purgedPatient).toEqual({
      id: String(id),
      visitsDeleted: 1,
      followUpsDeleted: 1,
      portalAccountDeleted: true,
      appointmentsDeleted: 0,
      placesReleased: 0,
    });

    const db = server.database.db;
    expect(await patientRow(server, id)).toBeUndefined();
    expect(await db.selectFrom('visits').select('id').where('patient_id', '=', id).execute()).toHaveLength(0);
    expect(await db.selectFrom('follow_ups').select('id').where('patient_id', '=', id).execute()).toHaveLength(0);
    expect(await db.selectFrom('patient_accounts').select('id').where('patient_id', '=', id).execute()).toHaveLength(0);
    const profile = await server.http.get('/patient/', { bearer: portal.token });
    expect(profile.status).toBe(401);
    const [audit] = await auditRows(server, 'patient.purge', id);
    expect(audit?.details).toMatchObject({ visitsDeleted: 1, followUpsDeleted: 1, portalAccountDeleted: true });
    expect(JSON.stringify(audit?.details)).not.toContain(portal.phone);
  });
});

describe('follow-ups (回访)', () => {
  it('records a follow-up and lists the timeline newest first with staff names', async () => {
    const id = await createPatient(server, consultantA.token);
    const now = unixNow();
    const first = await server.http.post(`${STAFF}/patient/${id}/follow-ups`, {
      json: {
        token: consultantA.token,
        contact_time: now - 3600,
        way: '电话',
        content: '初次回访',
        next_follow_up_date: inAWeek(),
      },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.followUp).toMatchObject({
      patientId: String(id),
      staffName: 'consult_a',
      way: '电话',
      nextFollowUpDate: inAWeek(),
    });
    await server.http.post(`${STAFF}/patient/${id}/follow-ups`, {
      form: { token: admin, contact_time: now, way: '微信', content: '第二次' },
    });
    const timeline = await server.http.get(`${STAFF}/patient/${id}/follow-ups`, {
      query: { token: consultantA.token },
    });
    expect(timeline.status).toBe(200);
    expect(timeline.body.total).toBe(2);
    expect(
      timeline.body.followUps.map((row: { content: string; staffName: string }) => [row.content, row.staffName]),
    ).toEqual([
      ['第二次', '系统管理员'],
      ['初次回访', 'consult_a'],
    ]);
    const audits = await auditRows(server, 'patient.follow_up', id);
    expect(audits).toHaveLength(2);
    expect(JSON.stringify(audits[0]?.details)).not.toContain('初次回访');
  });

  it('answers 404 to another consultant and 403 to the front desk (no patients:edit); nothing written', async () => {
    const id = await createPatient(server, consultantA.token);
    const body = { contact_time: unixNow(), way: '电话', content: '越权回访' };
    expect(
      (await server.http.post(`${STAFF}/patient/${id}/follow-ups`, { json: { token: consultantB.token, ...body } }))
        .status,
    ).toBe(404);
    expect(
      (await server.http.get(`${STAFF}/patient/${id}/follow-ups`, { query: { token: consultantB.token } })).status,
    ).toBe(404);
    expect(
      (await server.http.post(`${STAFF}/patient/${id}/follow-ups`, { json: { token: frontDesk.token, ...body } }))
        .status,
    ).toBe(403);
    expect(
      (await server.http.get(`${STAFF}/patient/${id}/follow-ups`, { query: { token: frontDesk.token } })).status,
    ).toBe(200);
    expect(await auditRows(server, 'patient.follow_up', id)).toHaveLength(0);
  });

  it.each([
    [{ next_follow_up_date: '2024-02-30' }, 'next_follow_up_date'],
    [{ next_follow_up_date: 'tomorrow' }, 'next_follow_up_date'],
    [{ contact_time: unixNow() + 86_400 }, 'contact_time'],
    [{ way: '' }, 'way'],
    [{ content: 'x'.repeat(2001) }, 'content'],
    [{ content: undefined }, 'content'],
  ])('refuses %j with 400 naming %s', async (override, field) => {
    const id = await createPatient(server, consultantA.token);
    const response = await server.http.post(`${STAFF}/patient/${id}/follow-ups`, {
      json: { token: consultantA.token, contact_time: unixNow(), way: '电话', content: '内容', ...override },
    });
    expect(response.status).toBe(400);
    expect(response.body.msg).toContain(field);
    expect(await auditRows(server, 'patient.follow_up', id)).toHaveLength(0);
  });

  // A patient's plan is their latest contact's, whoever made it, and it is due for the consultant holding them.
  it("lists the caller's due follow-ups: latest per patient, date passed, the caller's patients, not deleted", async () => {
    const due = await createPatient(server, consultantB.token, { name: '该回访了' });
    const replaced = await createPatient(server, consultantB.token, { name: '已再次回访' });
    const future = await createPatient(server, consultantB.token, { name: '下周回访' });
    const deleted = await createPatient(server, consultantB.token, { name: '已删除' });
    const now = unixNow();
    const add = (id: number, token: string, contactTime: number, next?: string) =>
      server.http.post(`${STAFF}/patient/${id}/follow-ups`, {
        json: { token, contact_time: contactTime, way: '电话', content: 'c', next_follow_up_date: next },
      });
    expect((await add(due, consultantB.token, now - 100, pastDate())).status).toBe(201);
    await add(replaced, consultantB.token, now - 200, pastDate());
    await add(replaced, consultantB.token, now - 100);
    await add(future, consultantB.token, now - 100, inAWeek());
    await add(deleted, consultantB.token, now - 100, pastDate());
    await add(due, admin, now - 50, pastDate());
    await server.http.delete(`${STAFF}/patient/${deleted}`, { query: { token: admin } });

    const response = await server.http.get(`${STAFF}/follow-ups/due`, { query: { token: consultantB.token } });
    expect(response.status).toBe(200);
    expect(response.body.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(response.body.total).toBe(1);
    expect(response.body.followUps).toHaveLength(1);
    // The administrator's later call made the plan: it is shown, and stays on consultant B's list.
    const adminName = (
      await server.database.db
        .selectFrom('staff_users')
        .select('display_name')
        .where('username', '=', 'admin')
        .executeTakeFirstOrThrow()
    ).display_name;
    expect(response.body.followUps[0]).toMatchObject({
      patientId: String(due),
      patientName: '该回访了',
      staffName: adminName,
      nextFollowUpDate: pastDate(),
    });
    const adminDue = await server.http.get(`${STAFF}/follow-ups/due`, { query: { token: admin } });
    expect(adminDue.body.followUps.map((row: { patientId: string }) => row.patientId)).not.toContain(String(due));
    const otherDue = await server.http.get(`${STAFF}/follow-ups/due`, { query: { token: consultantA.token } });
    expect(otherDue.body.followUps.map((row: { patientId: string }) => row.patientId)).not.toContain(String(due));
  });
});

describe('visits (到诊)', () => {
  it('records a first visit, then a return visit, and lists the history', async () => {
    const addTime = unixNow() - 86_400 * 30;
    const id = await createPatient(server, consultantA.token, { add_time: addTime, doctor_id: 1 });
    const first = await server.http.post(`${STAFF}/patient/${id}/arrival`, {
      json: { token: frontDesk.token, reach_time: addTime + 3600, spend: '200' },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.visit).toMatchObject({
      patientId: String(id),
      visitType: 'first',
      doctorName: '张明华',
      spend: '200.00',
      recordedByName: 'front_desk',
    });
    const second = await server.http.post(`${STAFF}/patient/${id}/arrival`, {
      form: { token: frontDesk.token, reach_time: addTime + 86_400 * 7, doctor_id: 2, spend: '99.9' },
    });
    expect(second.status).toBe(201);
    expect(second.body.visit).toMatchObject({ visitType: 'return', doctorName: '李秀英', spend: '99.90' });

    const history = await server.http.get(`${STAFF}/patient/${id}/visits`, { query: { token: consultantA.token } });
    expect(history.status).toBe(200);
    expect(history.body.total).toBe(2);
    expect(history.body.visits.map((visit: { visitType: string }) => visit.visitType)).toEqual(['return', 'first']);
    const detail = await server.http.get(`${STAFF}/patient/${id}`, { query: { token: consultantA.token } });
    expect(detail.body.patient).toMatchObject({
      state: '1',
      reachTime: String(addTime + 3600),
      visitCount: '2',
      spend: '299.90',
    });
    expect(await auditRows(server, 'patient.arrival', id)).toHaveLength(2);
  });

  it('refuses a consultant (no confirm_arrival), a reach_time before add_time and an inactive doctor; nothing written', async () => {
    const addTime = unixNow() - 3600;
    const id = await createPatient(server, consultantA.token, { add_time: addTime });
    const denied = await server.http.post(`${STAFF}/patient/${id}/arrival`, {
      json: { token: consultantA.token, reach_time: unixNow() },
    });
    expect(denied.status).toBe(403);
    const early = await server.http.post(`${STAFF}/patient/${id}/arrival`, {
      json: { token: frontDesk.token, reach_time: addTime - 1 },
    });
    expect(early.status).toBe(400);
    expect(early.body.msg).toContain('reach_time');
    await server.database.db.updateTable('doctors').set({ is_active: 0 }).where('id', '=', 5).execute();
    const inactive = await server.http.post(`${STAFF}/patient/${id}/arrival`, {
      json: { token: frontDesk.token, reach_time: unixNow(), doctor_id: 5 },
    });
    await server.database.db.updateTable('doctors').set({ is_active: 1 }).where('id', '=', 5).execute();
    expect(inactive.status).toBe(400);
    const badSpend = await server.http.post(`${STAFF}/patient/${id}/arrival`, {
      json: { token: frontDesk.token, reach_time: unixNow(), spend: '1e3' },
    });
    expect(badSpend.status).toBe(400);
    const row = await patientRow(server, id);
    expect(row).toMatchObject({ state: 0, visit_count: 0, reach_time: null });
    expect(await auditRows(server, 'patient.arrival', id)).toHaveLength(0);
  });

  it("answers 404 for another consultant's patient and for a deleted one", async () => {
    const id = await createPatient(server, consultantA.token);
    expect(
      (await server.http.get(`${STAFF}/patient/${id}/visits`, { query: { token: consultantB.token } })).status,
    ).toBe(404);
    await server.http.delete(`${STAFF}/patient/${id}`, { query: { token: admin } });
    expect(
      (
        await server.http.post(`${STAFF}/patient/${id}/arrival`, {
          json: { token: frontDesk.token, reach_time: unixNow() },
        })
      ).status,
    ).toBe(404);
    expect((await server.http.get(`${STAFF}/patient/abc/visits`, { query: { token: admin } })).status).toBe(400);
  });
});
