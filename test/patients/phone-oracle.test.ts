import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { maskPhone } from '../../src/domain/phone.js';
import { likeContains } from '../../src/domain/sql.js';
import { createRole } from '../statistics/support.js';
import { createStaffUser, DEFAULT_ROLE, registerAndLoginPatient, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { csvOf, downloadExport } from '../transfer/support.js';
import { createPatient } from './helpers.js';

/*
 * Issue 14, item 2: a caller who sees phones masked (the front desk: patients:view_all without
 * patients:view_full_phone) could read a hidden number back through the search, one digit per
 * request (keyword 1399, 13991, ...: the patient appears exactly when the prefix is right), and
 * confirm a guess through the duplicate check, the export, the import report, registration and
 * edits. Such a caller's phone search now sees what the list shows (139****8442), or a whole
 * number typed in one piece, which is a lookup: audited, and capped per account per clinic day.
 */

const DAILY_LIMIT = 5;
const TARGET = '13991238442';
const TARGET_MASKED = '139****8442';
/** Its hidden middle digits hold the target's last four: a masked caller's "8442" must not find it. */
const HIDDEN_8442 = '13784421234';
/** Its last four are the target's first four: what a masked caller's "1399" finds. */
const ENDS_1399 = '15800001399';
/** A wechat id everyone may read, holding the target's first digits: found by them, as any visible text. */
const WECHAT_PREFIX = '13991230000';

let server: TestServer;
let admin: string;
let frontDesk: { id: number; token: string };
let targetId: number;
const written = new Set<string>();

/** Staff accounts are fresh per test where the day's count matters: the cap is per account. */
let accounts = 0;
const freshFrontDesk = () => createStaffUser(server, `desk_${(accounts += 1)}`, DEFAULT_ROLE.frontDesk);
const freshClerk = () => createStaffUser(server, `clerk_${(accounts += 1)}`, '脱敏文员');

async function list(token: string, keyword: string) {
  return server.http.get(`${STAFF}/patient/`, { query: { token, keyword, page_size: 200 } });
}

async function names(token: string, keyword: string): Promise<string[]> {
  const response = await list(token, keyword);
  expect(response.status, `${keyword}: ${JSON.stringify(response.body)}`).toBe(200);
  expect(response.body.total).toBe(response.body.patients.length);
  return response.body.patients.map((patient: { name: string }) => patient.name).sort();
}

async function lookupAudits(staffId: number) {
  const rows = await server.database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', 'patient.phone_lookup')
    .where('actor_id', '=', staffId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details ?? '{}') as Record<string, any> }));
}

/** Seconds until the next midnight in Asia/Shanghai (UTC+8, the test server's clinic zone). */
const secondsToClinicMidnight = () => 86_400 - ((Math.floor(Date.now() / 1000) + 8 * 3600) % 86_400);

function expectLimited(response: { status: number; body: any; headers: Headers }) {
  expect(response.status, JSON.stringify(response.body)).toBe(429);
  expect(response.body.state_code).toBe(42903);
  expect(response.body.msg).toMatch(/手机号/);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Math.abs(retryAfter - secondsToClinicMidnight())).toBeLessThanOrEqual(5);
}

beforeAll(async () => {
  server = await startTestServer({ PHONE_LOOKUP_DAILY_LIMIT: String(DAILY_LIMIT) });
  admin = await staffLogin(server.http);
  frontDesk = await freshFrontDesk();
  await createRole(server, '脱敏文员', [
    'patients',
    'patients:view_all',
    'patients:create',
    'patients:edit',
    'patients:export',
    'patients:import',
  ]);
  const patients = [
    { name: '目标', tel: TARGET },
    { name: '藏号', tel: HIDDEN_8442 },
    { name: '尾号1399', tel: ENDS_1399 },
    { name: '微信号码', tel: '18600000001', wechat: WECHAT_PREFIX },
    { name: 'qq用户', tel: '17712345678', qq: '8442139' },
    { name: '无电话', tel: null },
  ];
  for (const patient of patients) {
    const id = await createPatient(server, admin, patient);
    if (patient.tel === TARGET) targetId = id;
    for (const value of Object.values(patient)) if (value) written.add(value);
    if (patient.tel) written.add(maskPhone(patient.tel));
  }
});
afterAll(async () => server?.close());

describe('GET patient/?keyword= for a caller who sees phones masked', () => {
  it('never finds the patient by a prefix of the hidden digits, one digit at a time', async () => {
    for (let length = 4; length <= 10; length += 1) {
      const prefix = TARGET.slice(0, length);
      expect(await names(frontDesk.token, prefix), prefix).not.toContain('目标');
      // Someone who sees the number keeps finding it by any part of it.
      expect(await names(admin, prefix), prefix).toContain('目标');
    }
    expect(await lookupAudits(frontDesk.id)).toEqual([]);
  });

  it('finds it by what the list shows: the last four, the first three, the masked text', async () => {
    expect(await names(frontDesk.token, '8442')).toEqual(['qq用户', '目标']);
    expect(await names(admin, '8442')).toEqual(['qq用户', '目标', '藏号'].sort());
    expect(await names(frontDesk.token, '1399')).toEqual(['尾号1399', '微信号码']);
    expect(await names(frontDesk.token, '139')).toContain('目标');
    for (const shown of [TARGET_MASKED, '****8442', '9****84', '139****']) {
      expect(await names(frontDesk.token, shown), shown).toContain('目标');
    }
    expect(await names(frontDesk.token, '****')).not.toContain('无电话');
    expect(await names(admin, TARGET_MASKED)).toEqual([]);
  });

  it('answers every fragment of what it shows as a scan of the visible text would', async () => {
    const fragments = new Set<string>();
    for (const value of written) {
      const characters = Array.from(value);
      for (let start = 0; start < characters.length; start += 1) {
        for (let end = start + 1; end <= characters.length; end += 1)
          fragments.add(characters.slice(start, end).join(''));
      }
    }
    const { rows } = await sql<{
      name: string;
      tel: string | null;
    }>`select name, tel from patients where deleted_at is null`.execute(server.database.db);
    for (const fragment of fragments) {
      // Whole numbers are lookups, counted against the cap: tested below.
      if (/^1[3-9]\d{9}$/.test(fragment) || fragment.trim() !== fragment) continue;
      const pattern = likeContains(fragment);
      const visible = await sql<{ name: string }>`
        select name from patients where deleted_at is null
          and (name like ${pattern} escape '\\' or wechat like ${pattern} escape '\\' or qq like ${pattern} escape '\\')`.execute(
        server.database.db,
      );
      const expected = new Set(visible.rows.map((row) => row.name));
      for (const row of rows) if (row.tel !== null && maskPhone(row.tel).includes(fragment)) expected.add(row.name);
      expect(await names(frontDesk.token, fragment), fragment).toEqual([...expected].sort());
    }
    expect(await lookupAudits(frontDesk.id)).toEqual([]);
  });

  it('finds it by the whole number, as a lookup audited with the masked number', async () => {
    const desk = await freshFrontDesk();
    expect(await names(desk.token, TARGET)).toEqual(['目标']);
    expect(await names(desk.token, '13991238443')).toEqual([]);
    const audits = await lookupAudits(desk.id);
    expect(audits.map((row) => [row.details.tel, row.details.purpose, row.outcome])).toEqual([
      [TARGET_MASKED, 'list', 'success'],
      ['139****8443', 'list', 'success'],
    ]);
    for (const row of audits) expect(JSON.stringify(row)).not.toContain(TARGET);
  });

  it('caps whole-number lookups per account and clinic day: 429 with Retry-After, other accounts unaffected', async () => {
    const desk = await freshFrontDesk();
    for (let attempt = 0; attempt < DAILY_LIMIT; attempt += 1) {
      // Misses count as hits do.
      expect((await list(desk.token, attempt === 0 ? TARGET : `1399123000${attempt}`)).status).toBe(200);
    }
    expectLimited(await list(desk.token, TARGET));
    expectLimited(await server.http.get(`${STAFF}/patient/duplicates`, { query: { token: desk.token, tel: TARGET } }));
    // What the list shows stays searchable.
    expect(await names(desk.token, '8442')).toContain('目标');
    const refused = (await lookupAudits(desk.id)).filter((row) => row.outcome === 'failure');
    expect(refused.length).toBe(2);
    const other = await freshFrontDesk();
    expect(await names(other.token, TARGET)).toEqual(['目标']);
  });

  it('counts concurrent lookups exactly: no more than the cap get through', async () => {
    const desk = await freshFrontDesk();
    const responses = await Promise.all(Array.from({ length: 12 }, () => list(desk.token, TARGET)));
    expect(responses.filter((response) => response.status === 200).length).toBe(DAILY_LIMIT);
    expect(responses.filter((response) => response.status === 429).length).toBe(12 - DAILY_LIMIT);
    const audits = await lookupAudits(desk.id);
    expect(audits.filter((row) => row.outcome === 'success').length).toBe(DAILY_LIMIT);
  });

  it('leaves a caller who sees full phones uncounted and unaudited', async () => {
    const adminId = (
      await server.database.db
        .selectFrom('staff_users')
        .select('id')
        .where('username', '=', 'admin')
        .executeTakeFirstOrThrow()
    ).id;
    for (let attempt = 0; attempt <= DAILY_LIMIT; attempt += 1) expect(await names(admin, TARGET)).toEqual(['目标']);
    expect(await lookupAudits(adminId)).toEqual([]);
  });
});

describe('GET patient/duplicates?tel= for a caller who sees phones masked', () => {
  it('confirms a whole number only as a counted, audited lookup; a part of it confirms nothing', async () => {
    const desk = await freshFrontDesk();
    const duplicates = (tel: string) =>
      server.http.get(`${STAFF}/patient/duplicates`, { query: { token: desk.token, tel } });
    const hit = await duplicates(TARGET);
    expect(hit.body).toMatchObject({
      total: 1,
      duplicates: [{ id: String(targetId), tel: TARGET_MASKED, matchedOn: ['tel'] }],
    });
    expect((await duplicates('13991238443')).body.total).toBe(0);
    expect((await duplicates(TARGET.slice(0, 7))).body.total).toBe(0);
    expect((await duplicates(TARGET_MASKED)).body).toMatchObject({
      total: 1,
      duplicates: [{ id: String(targetId), matchedOn: ['tel'] }],
    });
    expect((await lookupAudits(desk.id)).map((row) => [row.details.tel, row.details.purpose])).toEqual([
      [TARGET_MASKED, 'duplicates'],
      ['139****8443', 'duplicates'],
    ]);
  });
});

describe('GET patient/export?keyword= for a caller who sees phones masked', () => {
  it('follows the list: no prefix of the hidden digits, the masked text, the whole number as a lookup', async () => {
    const clerk = await freshClerk();
    const exported = async (keyword: string) => {
      const response = await downloadExport(server, clerk.token, { format: 'csv', keyword });
      expect(response.status).toBe(200);
      return response.bytes.toString('utf8');
    };
    expect(await exported(TARGET.slice(0, 7))).not.toContain('目标');
    expect(await exported('9123')).not.toContain('目标');
    expect(await exported(TARGET_MASKED)).toContain(TARGET_MASKED);
    const whole = await exported(TARGET);
    expect(whole).toContain('目标');
    expect(whole).not.toContain(TARGET);
    expect((await lookupAudits(clerk.id)).map((row) => [row.details.tel, row.details.purpose])).toEqual([
      [TARGET_MASKED, 'export'],
    ]);
    // Someone who sees full phones exports by any part of the number, as before.
    const full = await downloadExport(server, admin, { format: 'csv', keyword: TARGET.slice(0, 7) });
    expect(full.bytes.toString('utf8')).toContain(TARGET);
  });
});

describe('POST patient/import for a caller who sees phones masked', () => {
  const HEADER = ['姓名', '电话', '登记时间'];
  /** A dry run of a CSV with one row per phone, as the browser uploads it; headers kept for Retry-After. */
  async function dryRun(token: string, phones: string[]) {
    const form = new FormData();
    form.append('mode', 'dry_run');
    const content = `\uFEFF${csvOf([HEADER, ...phones.map((tel, index) => [`导入${index}`, tel, '2024-03-01 09:30'])])}`;
    form.append('file', new Blob([content]), 'patients.csv');
    const response = await fetch(new URL(`${STAFF}/patient/import`, server.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  it("counts the file's distinct phones as lookups; the pool duplicates are reported masked", async () => {
    const clerk = await freshClerk();
    const response = await dryRun(clerk.token, [TARGET, '13500000001', TARGET]);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.importReport.duplicates).toContainEqual({
      line: 2,
      tel: TARGET_MASKED,
      source: 'database',
      existingId: String(targetId),
      action: 'skip',
    });
    const audits = await lookupAudits(clerk.id);
    expect(audits.map((row) => [row.details.purpose, row.details.phones])).toEqual([['import', 2]]);
    expect(JSON.stringify(audits)).not.toContain(TARGET);
  });

  it('refuses a whole file with more phones than the day has left, before looking any up', async () => {
    const clerk = await freshClerk();
    expect(await names(clerk.token, TARGET)).toEqual(['目标']);
    const phones = Array.from({ length: DAILY_LIMIT }, (_, index) => `1360000000${index}`);
    const refused = await dryRun(clerk.token, phones);
    expectLimited(refused);
    expect(refused.body.msg).toMatch(/文件/);
    // Nothing was counted for the refused file: the rest of the day is still there.
    const fits = await dryRun(clerk.token, phones.slice(0, DAILY_LIMIT - 1));
    expect(fits.status, JSON.stringify(fits.body)).toBe(200);
    expectLimited(await list(clerk.token, TARGET));
  });
});

describe('registering and editing a tel, for a caller who sees phones masked', () => {
  it('counts the duplicate check of POST patient/ (409 for an existing tel) as a lookup', async () => {
    const clerk = await freshClerk();
    const register = (tel: string) =>
      server.http.post(`${STAFF}/patient/`, {
        json: { token: clerk.token, name: '重复登记', tel, add_time: 1_700_000_000, state: 0 },
      });
    const conflict = await register(TARGET);
    expect(conflict.status).toBe(409);
    expect((await register('13500000099')).status).toBe(201);
    expect((await lookupAudits(clerk.id)).map((row) => [row.details.tel, row.details.purpose])).toEqual([
      [TARGET_MASKED, 'create'],
      ['135****0099', 'create'],
    ]);
    for (let attempt = 2; attempt < DAILY_LIMIT; attempt += 1) expect((await register(TARGET)).status).toBe(409);
    expectLimited(await register(TARGET));
  });

  it('counts a tel change (its conflict answers confirm numbers) as a lookup', async () => {
    const clerk = await freshClerk();
    const id = await createPatient(server, admin, { name: '改号', tel: '13500000123' });
    const response = await server.http.patch(`${STAFF}/patient/${id}`, {
      json: { token: clerk.token, tel: '13500000124' },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect((await lookupAudits(clerk.id)).map((row) => [row.details.tel, row.details.purpose, row.target_id])).toEqual([
      ['135****0124', 'update', String(id)],
    ]);
  });

  it('keeps the count of a tel change refused with 409 (another portal account holds the number)', async () => {
    const clerk = await freshClerk();
    const holder = await registerAndLoginPatient(server.http, '13600000777', '端账号甲');
    const other = await registerAndLoginPatient(server.http, '13600000778', '端账号乙');
    const refused = await server.http.patch(`${STAFF}/patient/${holder.patientId}`, {
      json: { token: clerk.token, tel: other.phone },
    });
    expect(refused.status).toBe(409);
    const audits = await lookupAudits(clerk.id);
    expect(audits.map((row) => [row.details.tel, row.details.purpose, row.outcome])).toEqual([
      ['136****0778', 'update', 'success'],
    ]);
  });
});

describe('PHONE_LOOKUP_DAILY_LIMIT', () => {
  it('defaults to 100 a day, takes 0 (no whole-number lookups), and refuses anything but a whole number', () => {
    expect(loadConfig({}).phoneLookupDailyLimit).toBe(100);
    expect(loadConfig({ PHONE_LOOKUP_DAILY_LIMIT: '0' }).phoneLookupDailyLimit).toBe(0);
    for (const value of ['-1', 'ten', '1.5']) {
      expect(() => loadConfig({ PHONE_LOOKUP_DAILY_LIMIT: value }), value).toThrow(ConfigError);
      expect(() => loadConfig({ PHONE_LOOKUP_DAILY_LIMIT: value }), value).toThrow('PHONE_LOOKUP_DAILY_LIMIT');
    }
  });
});
