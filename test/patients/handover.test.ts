import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clinicToday } from '../appointments/helpers.js';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin, uniquePhone, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/*
 * 移交: a manager moves one patient, a filtered set, or all of a departing consultant's patients
 * to another consultant, in one transaction, audited; exactly the chosen patients move, their
 * follow-up plans go with them, and the list's totals by consultant (read from the rollup's
 * author rows) follow. Disabling an account says how many patients it still holds.
 */

let server: TestServer;
let admin: string;
let manager: { id: number; token: string };
let consultantA: { id: number; token: string };
let consultantB: { id: number; token: string };
let consultantC: { id: number; token: string };
let baidu: number;
const ids: Record<string, number> = {};

async function register(token: string, name: string, extra: Record<string, unknown> = {}) {
  const response = await server.http.post(`${STAFF}/patient/`, {
    json: { token, name, tel: uniquePhone(), add_time: unixNow() - 86_400, state: 0, ...extra },
  });
  expect(response.status, response.text).toBe(201);
  return Number(response.body.newPatient.id);
}

const handover = (token: string, body: Record<string, unknown>) =>
  server.http.post(`${STAFF}/patient/handover`, { json: { token, ...body } });

/** patient id -> consultant, for every patient: what must and must not have changed. */
async function holders(): Promise<Map<number, number | null>> {
  const rows = await server.database.db.selectFrom('patients').select(['id', 'author_id']).execute();
  return new Map(rows.map((row) => [row.id, row.author_id]));
}

async function listTotal(token: string, query: Record<string, string | number> = {}) {
  const response = await server.http.get(`${STAFF}/patient/`, { bearer: token, query: { page_size: 1, ...query } });
  expect(response.status, response.text).toBe(200);
  return response.body.total as number;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  manager = await createStaffUser(server, 'handover_manager', DEFAULT_ROLE.manager);
  consultantA = await createStaffUser(server, 'handover_a', DEFAULT_ROLE.consultant);
  consultantB = await createStaffUser(server, 'handover_b', DEFAULT_ROLE.consultant);
  consultantC = await createStaffUser(server, 'handover_c', DEFAULT_ROLE.consultant);
  baidu = (
    await server.database.db
      .selectFrom('channels')
      .select('id')
      .where('name', '=', '百度推广')
      .executeTakeFirstOrThrow()
  ).id;
  ids.single = await register(consultantA.token, '单个');
  ids.baiduNew1 = await register(consultantA.token, '百度新一', { media_from_id: baidu });
  ids.baiduNew2 = await register(consultantA.token, '百度新二', { media_from_id: baidu });
  ids.baiduLost = await register(consultantA.token, '百度流失', { media_from_id: baidu, state: 2 });
  ids.other = await register(consultantA.token, '其他');
  ids.deleted = await register(consultantA.token, '已删除', { media_from_id: baidu });
  expect((await server.http.delete(`${STAFF}/patient/${ids.deleted}`, { bearer: admin })).status).toBe(200);
  ids.ofB1 = await register(consultantB.token, '乙一', { media_from_id: baidu });
  ids.ofB2 = await register(consultantB.token, '乙二');
  const plan = await server.http.post(`${STAFF}/patient/${ids.single}/follow-ups`, {
    bearer: consultantA.token,
    json: { contact_time: unixNow() - 60, way: '电话', content: '约复诊', next_follow_up_date: clinicToday() },
  });
  expect(plan.status, plan.text).toBe(201);
});
afterAll(async () => server?.close());

describe('POST patient/handover', () => {
  it('moves one patient, with their follow-up plan, and audits it', async () => {
    const before = await holders();
    const response = await handover(manager.token, { to_staff_id: consultantB.id, patient_ids: [ids.single] });
    expect(response.status, response.text).toBe(200);
    expect(response.body.handover).toEqual({
      matched: 1,
      moved: 1,
      toStaffId: String(consultantB.id),
      toStaffName: 'handover_b',
      from: [{ staffId: String(consultantA.id), name: 'handover_a', count: 1 }],
      ids: [String(ids.single)],
      idsTruncated: false,
    });
    const after = await holders();
    for (const [id, holder] of after)
      expect(holder, `patient ${id}`).toBe(id === ids.single ? consultantB.id : before.get(id));
    // The plan went along: B is to call today, A no longer.
    const dueB = await server.http.get(`${STAFF}/worklists/follow-ups`, { bearer: consultantB.token });
    expect(dueB.body.rows.map((row: any) => row.patientId)).toEqual([String(ids.single)]);
    const dueA = await server.http.get(`${STAFF}/worklists/follow-ups`, { bearer: consultantA.token });
    expect(dueA.body.total).toBe(0);
    expect((await server.http.get(`${STAFF}/patient/${ids.single}`, { bearer: consultantA.token })).status).toBe(404);
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'target_type', 'target_id', 'details'])
      .where('action', '=', 'patient.handover')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_id: manager.id, target_type: 'staff_user', target_id: String(consultantB.id) });
    expect(JSON.parse(audit.details!)).toMatchObject({
      matched: 1,
      moved: 1,
      from: [{ staffId: String(consultantA.id), count: 1 }],
      selection: { patientIds: 1 },
      ids: [ids.single],
      idsTruncated: false,
    });
  });

  it("moves exactly the list's filtered set and nothing else, and the totals by consultant follow", async () => {
    const filters = { author_id: consultantA.id, media_from_id: baidu, state: 0 };
    const shown = await listTotal(manager.token, filters);
    expect(shown).toBe(2);
    const before = await holders();
    const response = await handover(manager.token, { to_staff_id: consultantC.id, expected_count: shown, ...filters });
    expect(response.status, response.text).toBe(200);
    expect(response.body.handover).toMatchObject({ matched: 2, moved: 2 });
    const after = await holders();
    const moved = new Set([ids.baiduNew1, ids.baiduNew2]);
    for (const [id, holder] of after)
      expect(holder, `patient ${id}`).toBe(moved.has(id) ? consultantC.id : before.get(id));
    // The deleted 百度 patient of A stays A's (the recycle bin is out of scope).
    expect(after.get(ids.deleted!)).toBe(consultantA.id);
    expect(await listTotal(consultantC.token)).toBe(2);
    expect(await listTotal(manager.token, { author_id: consultantC.id })).toBe(2);
    expect(await listTotal(manager.token, { author_id: consultantA.id })).toBe(2);
  });

  it("moves all of a departing consultant's patients, refusing a stale confirmation, and says what disabling leaves", async () => {
    const stale = await handover(manager.token, {
      to_staff_id: consultantC.id,
      author_id: consultantB.id,
      expected_count: 2,
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ state_code: 40901, matched: 3 });
    expect(await listTotal(manager.token, { author_id: consultantB.id })).toBe(3);

    const disabled = await server.http.patch(`${STAFF}/staff/${consultantB.id}`, {
      bearer: admin,
      json: { is_active: false },
    });
    expect(disabled.status, disabled.text).toBe(200);
    expect(disabled.body).toMatchObject({ user: { isActive: false }, heldPatients: 3 });

    const all = await handover(manager.token, {
      to_staff_id: consultantC.id,
      author_id: consultantB.id,
      expected_count: 3,
    });
    expect(all.status, all.text).toBe(200);
    expect(all.body.handover).toMatchObject({ matched: 3, moved: 3 });
    expect(await listTotal(manager.token, { author_id: consultantB.id })).toBe(0);
    expect(await listTotal(manager.token, { author_id: consultantC.id })).toBe(5);
    const again = await server.http.patch(`${STAFF}/staff/${consultantB.id}`, {
      bearer: admin,
      json: { display_name: '已离职乙' },
    });
    expect(again.body.heldPatients).toBe(0);
    // Nobody can be handed to a disabled account.
    const toDisabled = await handover(manager.token, { to_staff_id: consultantB.id, patient_ids: [ids.other] });
    expect(toDisabled.status).toBe(400);
    expect(toDisabled.body.state_code).toBe(40001);
  });

  it('refuses callers without patients:handover and selections that are not exactly one, writing nothing', async () => {
    const before = await holders();
    const auditsBefore = await server.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'patient.handover')
      .execute();
    for (const token of [
      consultantA.token,
      (await createStaffUser(server, 'handover_front', DEFAULT_ROLE.frontDesk)).token,
    ]) {
      const denied = await handover(token, { to_staff_id: consultantC.id, patient_ids: [ids.other] });
      expect(denied.status).toBe(403);
    }
    for (const body of [
      { to_staff_id: consultantC.id },
      { to_staff_id: consultantC.id, patient_ids: [ids.other], author_id: consultantA.id },
      { to_staff_id: 987_654, patient_ids: [ids.other] },
      { to_staff_id: consultantC.id, patient_ids: [] },
      { patient_ids: [ids.other] },
    ]) {
      const refused = await handover(manager.token, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    expect(await holders()).toEqual(before);
    const auditsAfter = await server.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'patient.handover')
      .execute();
    expect(auditsAfter).toHaveLength(auditsBefore.length);
  });
});

describe('handing over 20,000 patients', () => {
  it('moves them in one statement, fast, audited with the ids capped, the totals following', async () => {
    const departing = await createStaffUser(server, 'handover_many', DEFAULT_ROLE.consultant);
    const heir = await createStaffUser(server, 'handover_heir', DEFAULT_ROLE.consultant);
    const now = unixNow();
    const rows = Array.from({ length: 20_000 }, (_, index) => ({
      name: `批量${index}`,
      add_time: now - 86_400 * (index % 365),
      state: index % 3,
      author_id: departing.id,
      media_from_id: index % 2 === 0 ? baidu : null,
      created_at: now,
      updated_at: now,
    }));
    for (let start = 0; start < rows.length; start += 500)
      await server.database.db
        .insertInto('patients')
        .values(rows.slice(start, start + 500))
        .execute();
    expect(await listTotal(manager.token, { author_id: departing.id })).toBe(20_000);

    const started = performance.now();
    const response = await handover(admin, { to_staff_id: heir.id, author_id: departing.id, expected_count: 20_000 });
    const seconds = (performance.now() - started) / 1000;
    console.log(`handover of 20,000 patients on ${server.database.dialect}: ${seconds.toFixed(2)} s`);
    expect(response.status, response.text).toBe(200);
    expect(response.body.handover).toMatchObject({ matched: 20_000, moved: 20_000, idsTruncated: true });
    expect(response.body.handover.ids).toHaveLength(200);
    expect(seconds).toBeLessThan(15);
    expect(await listTotal(heir.token)).toBe(20_000);
    expect(await listTotal(manager.token, { author_id: departing.id })).toBe(0);
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'patient.handover')
      .where('target_id', '=', String(heir.id))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toMatchObject({ moved: 20_000, idsTruncated: true });
    expect(JSON.parse(audit.details!).ids).toHaveLength(200);
  });
});
