import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildKeywordSearch } from '../../src/db/keyword-index.js';
import { likeContains } from '../../src/domain/sql.js';
import { lastCodeSentTo } from '../notifications/support/messages.js';
import { testDialect } from '../support/database.js';
import { createStaffUser, DEFAULT_ROLE, registerAndLoginPatient, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { csvOf, downloadExport, uploadImport } from '../transfer/support.js';
import { createPatient } from './helpers.js';

/*
 * The keyword search answers from indexes (migrations 0009, 0010 and 0012, pg_trgm) that must follow every
 * write. What a user sees must not change: a keyword finds exactly the live
 * patients whose name, tel, wechat or qq contains it, compared as LIKE compares (SQLite folds
 * ASCII case, PostgreSQL does not), through every write path and combined with the scope and
 * the other filters.
 */

let server: TestServer;
let admin: string;
let consultant: { id: number; token: string };
const ids: Record<string, number> = {};
const onSqlite = testDialect() === 'sqlite';
/** Every value ever written to a searchable field here: the closing check searches all their fragments. */
const written = new Set<string>();

async function search(keyword: string, query: Record<string, string | number> = {}, token = admin): Promise<string[]> {
  const response = await server.http.get(`${STAFF}/patient/`, { query: { token, keyword, page_size: 200, ...query } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body.total).toBe(response.body.patients.length);
  return response.body.patients.map((patient: { name: string }) => patient.name).sort();
}

/** Every fragment of every value written here finds what a scan with LIKE finds, with the same total. */
async function expectEveryFragmentAsLike(): Promise<void> {
  const fragments = new Set<string>();
  for (const value of written) {
    const characters = Array.from(value);
    for (let length = 1; length <= 4; length += 1) {
      for (let start = 0; start + length <= characters.length; start += 1)
        fragments.add(characters.slice(start, start + length).join(''));
    }
    // Longer fragments take other paths (a few grams of many): every suffix and prefix, and
    // every run of digits up to 8 (their grams start and end anywhere).
    for (let length = 5; length <= characters.length; length += 1) {
      fragments.add(characters.slice(-length).join('')).add(characters.slice(0, length).join(''));
      for (let start = 0; length <= 8 && start + length <= characters.length; start += 1) {
        const fragment = characters.slice(start, start + length).join('');
        if (/^[0-9]+$/.test(fragment)) fragments.add(fragment);
      }
    }
  }
  for (const fragment of fragments) {
    if (!fragment.trim() || fragment.trim() !== fragment) continue; // the API trims the keyword
    const pattern = likeContains(fragment);
    const { rows } = await sql<{ name: string }>`
      select name from patients where deleted_at is null and (name like ${pattern} escape '\\' or tel like ${pattern} escape '\\'
        or wechat like ${pattern} escape '\\' or qq like ${pattern} escape '\\')`.execute(server.database.db);
    expect(await search(fragment), fragment).toEqual(rows.map((row) => row.name).sort());
  }
}

async function register(
  token: string,
  fields: { name: string; tel?: string | null; wechat?: string; qq?: string; state?: number; add_time?: number },
): Promise<number> {
  for (const value of [fields.name, fields.tel, fields.wechat, fields.qq]) if (value) written.add(value);
  return createPatient(server, token, fields);
}

async function patch(id: number, changes: Record<string, unknown>): Promise<void> {
  for (const value of Object.values(changes)) if (typeof value === 'string') written.add(value);
  const response = await server.http.patch(`${STAFF}/patient/${id}`, { json: { token: admin, ...changes } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  consultant = await createStaffUser(server, 'keyword_consultant', DEFAULT_ROLE.consultant);
  ids.zhangYunXiu = await register(admin, { name: '张云秀', tel: '13912340616', wechat: 'WxAlpha_01' });
  ids.zhangYun = await register(consultant.token, { name: '张云', tel: '13800001234', qq: '5550616', state: 2 });
  ids.ouyang = await register(admin, { name: '欧阳娜娜', tel: '13700009876', wechat: 'na0616x' });
  ids.metas = await register(admin, { name: '百分%号_下\\线', tel: null });
  ids.quote = await register(admin, { name: '云"朵', tel: null, wechat: '微信号abc' });
  ids.latin = await register(admin, { name: 'Amy张', tel: null, wechat: 'Li Lei' });
});
afterAll(async () => server?.close());

describe('keyword search over the indexes', () => {
  it('finds a full phone, the last four digits in any field, and name fragments of 1, 2 and 3+ characters', async () => {
    expect(await search('13912340616')).toEqual(['张云秀']);
    expect(await search('0616')).toEqual(['张云', '张云秀', '欧阳娜娜']); // tel, qq, wechat
    expect(await search('张云')).toEqual(['张云', '张云秀']);
    expect(await search('张云秀')).toEqual(['张云秀']);
    expect(await search('娜娜')).toEqual(['欧阳娜娜']);
    expect(await search('秀')).toEqual(['张云秀']);
    expect(await search('信号')).toEqual(['云"朵']); // a Chinese fragment of a wechat id
    expect(await search('ph')).toEqual(['张云秀']);
    expect(await search('pha')).toEqual(['张云秀']);
    expect(await search('云张')).toEqual([]);
    expect(await search('9999999')).toEqual([]);
  });

  it('compares case as LIKE does on each database', async () => {
    expect(await search('PHA')).toEqual(onSqlite ? ['张云秀'] : []);
    expect(await search('LE')).toEqual(onSqlite ? ['Amy张'] : []);
    expect(await search('y张')).toEqual(['Amy张']);
    expect(await search('Y张')).toEqual(onSqlite ? ['Amy张'] : []);
    expect(await search('MY张')).toEqual(onSqlite ? ['Amy张'] : []);
    expect(await search('xAlpha')).toEqual(['张云秀']);
    expect(await search('XALPHA')).toEqual(onSqlite ? ['张云秀'] : []);
    expect(await search('alpha_01')).toEqual(onSqlite ? ['张云秀'] : []);
  });

  it('takes % _ \\ and double quotes literally', async () => {
    expect(await search('%')).toEqual(['百分%号_下\\线']);
    expect(await search('_')).toEqual(['张云秀', '百分%号_下\\线']);
    expect(await search('_下')).toEqual(['百分%号_下\\线']);
    expect(await search('%号_')).toEqual(['百分%号_下\\线']);
    expect(await search('\\线')).toEqual(['百分%号_下\\线']);
    expect(await search('ha_')).toEqual(['张云秀']);
    expect(await search('h%_')).toEqual([]);
    expect(await search('a_0')).toEqual(['张云秀']);
    expect(await search('a%1')).toEqual([]);
    expect(await search('"朵')).toEqual(['云"朵']);
    expect(await search('云"朵')).toEqual(['云"朵']);
    expect(await search('" AND "')).toEqual([]);
  });

  it('combines with the state filter and a consultant scope', async () => {
    expect(await search('张云', { state: 2 })).toEqual(['张云']);
    expect(await search('张云', { state: 0 })).toEqual(['张云秀']);
    expect(await search('0616', { state: 0 })).toEqual(['张云秀', '欧阳娜娜']);
    expect(await search('张云', {}, consultant.token)).toEqual(['张云']);
    expect(await search('0616', {}, consultant.token)).toEqual(['张云']);
    expect(await search('13912340616', {}, consultant.token)).toEqual([]);
  });

  it('exports what the list finds', async () => {
    const exported = await downloadExport(server, admin, { keyword: '张云', format: 'csv' });
    expect(exported.status).toBe(200);
    const text = exported.bytes.toString('utf8');
    expect(text).toContain('张云秀');
    expect(text.trim().split(/\r?\n/)).toHaveLength(3); // header + 2
  });
});

describe('keyword search after writes', () => {
  it('follows edits of name, tel, wechat and qq', async () => {
    await patch(ids.zhangYunXiu!, { name: '李云秀', tel: '13912349999', wechat: null });
    expect(await search('张云')).toEqual(['张云']);
    expect(await search('李云')).toEqual(['李云秀']);
    expect(await search('云秀')).toEqual(['李云秀']);
    expect(await search('13912340616')).toEqual([]);
    expect(await search('13912349999')).toEqual(['李云秀']);
    expect(await search('0616')).toEqual(['张云', '欧阳娜娜']);
    expect(await search('pha')).toEqual([]);
    await patch(ids.zhangYun!, { qq: '880616' });
    expect(await search('5550616')).toEqual([]);
    expect(await search('880616')).toEqual(['张云']);
    // Other fields change nothing the keyword sees.
    await patch(ids.ouyang!, { remarks: '备注里的张云' });
    expect(await search('张云')).toEqual(['张云']);
  });

  it('leaves out the recycle bin, takes restored patients back, forgets purged ones', async () => {
    expect((await server.http.delete(`${STAFF}/patient/${ids.zhangYun}`, { json: { token: admin } })).status).toBe(200);
    expect(await search('张云')).toEqual([]);
    expect(await search('880616')).toEqual([]);
    expect(await search('0616')).toEqual(['欧阳娜娜']); // four digits: counted from the gram list alone
    expect(
      (await server.http.post(`${STAFF}/patient/${ids.zhangYun}/restore`, { json: { token: admin } })).status,
    ).toBe(200);
    expect(await search('张云')).toEqual(['张云']);
    expect((await server.http.delete(`${STAFF}/patient/${ids.zhangYun}`, { json: { token: admin } })).status).toBe(200);
    expect(
      (await server.http.delete(`${STAFF}/patient/${ids.zhangYun}/purge`, { json: { token: admin } })).status,
    ).toBe(200);
    expect(await search('张云')).toEqual([]);
    ids.zhangYunAgain = await register(admin, { name: '张云', tel: '13800001234' });
    expect(await search('张云')).toEqual(['张云']);
  });

  it('finds patients written by the portal and by an import', async () => {
    const portal = await registerAndLoginPatient(server.http, '13600000616', '门户患者');
    written.add('13600000616').add('门户患者');
    expect(await search('门户')).toEqual(['门户患者']);
    expect(await search('0616')).toEqual(['欧阳娜娜', '门户患者']);
    // A new login phone is proved with a code sent to it (the log transport keeps the SMS in the outbox).
    const sent = await server.http.post('/patient/phone/verification-code', {
      bearer: portal.token,
      json: { phone: '13600002222' },
    });
    expect(sent.status, sent.text).toBe(200);
    const edited = await server.http.patch('/patient/patient_manage', {
      bearer: portal.token,
      json: { phone: '13600002222', name: '网上新名', phone_code: await lastCodeSentTo(server, '13600002222') },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    written.add('13600002222').add('网上新名');
    expect(await search('门户')).toEqual([]);
    expect(await search('新名')).toEqual(['网上新名']);
    expect(await search('2222')).toEqual(['网上新名']);

    const rows = [
      ['导入张云甲', '13500000616', 'wx_导入', '2024-03-01'],
      ['导入乙', '13500000617', '', '2024-03-01'],
    ];
    for (const row of rows) for (const value of row.slice(0, 3)) if (value) written.add(value);
    const file = { content: `\uFEFF${csvOf([['姓名', '电话', '微信', '登记时间'], ...rows])}`, name: 'keyword.csv' };
    const imported = await uploadImport(server, admin, file, {}, { mode: 'commit' });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.importReport).toMatchObject({ committed: true, inserted: 2 });
    expect(await search('张云')).toEqual(['导入张云甲', '张云']);
    expect(await search('导入')).toEqual(['导入乙', '导入张云甲']);
    expect(await search('x_导')).toEqual(['导入张云甲']);
    expect(await search('0616')).toEqual(['导入张云甲', '欧阳娜娜']);
  });

  it('pages a two-character search in add_time order, ties by id, both ways, also after an add_time is edited', async () => {
    const day = 86_400;
    const base = 1_700_000_000;
    const created: number[] = [];
    for (const [index, days] of [3, 1, 4, 1, 5].entries()) {
      created.push(
        await register(admin, { name: `排序${'甲乙丙丁戊'[index]}`, tel: null, add_time: base + days * day }),
      );
    }
    const pagesOf = async (order: 'asc' | 'desc') => {
      const ids: number[] = [];
      for (const page of [1, 2, 3]) {
        const response = await server.http.get(`${STAFF}/patient/`, {
          query: { token: admin, keyword: '排序', sort: 'add_time', order, page, page_size: 2 },
        });
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        expect(response.body.total).toBe(5);
        ids.push(...response.body.patients.map((patient: { id: string }) => Number(patient.id)));
      }
      return ids;
    };
    const [first, second, third, fourth, fifth] = created as [number, number, number, number, number];
    expect(await pagesOf('desc')).toEqual([fifth, third, first, fourth, second]);
    expect(await pagesOf('asc')).toEqual([second, fourth, first, third, fifth]);
    await patch(second, { add_time: base + 9 * day });
    expect(await pagesOf('desc')).toEqual([second, fifth, third, first, fourth]);
  });

  it('gives the total past the last page too, whichever way the keyword is answered', async () => {
    await register(consultant.token, { name: '尾号测试', tel: '13700110616' });
    // Four digits, a longer number and a Chinese pair, over the pool and in a consultant's scope.
    const cases = [
      ['0616', admin],
      ['0110616', admin],
      ['排序', admin],
      ['0616', consultant.token],
      ['10616', consultant.token],
      ['尾号', consultant.token],
    ] as const;
    for (const [keyword, token] of cases) {
      const first = await server.http.get(`${STAFF}/patient/`, { query: { token, keyword, page: 1, page_size: 200 } });
      expect(first.status).toBe(200);
      expect(first.body.patients.length, keyword).toBeGreaterThan(0);
      expect(first.body.total, keyword).toBe(first.body.patients.length);
      const past = await server.http.get(`${STAFF}/patient/`, { query: { token, keyword, page: 3, page_size: 50 } });
      expect(past.status, JSON.stringify(past.body)).toBe(200);
      expect(past.body.patients, keyword).toEqual([]);
      expect(past.body.total, keyword).toBe(first.body.patients.length);
    }
  });

  it('follows writes made in SQL, outside the API: rows inserted live or deleted, hard deletes of live rows', async () => {
    const db = server.database.db;
    const { id: _id, ...template } = await db
      .selectFrom('patients')
      .selectAll()
      .where('id', '=', ids.ouyang!)
      .executeTakeFirstOrThrow();
    const insert = async (name: string, tel: string, deletedAt: number | null) => {
      written.add(name).add(tel);
      const row = await db
        .insertInto('patients')
        .values({ ...template, name, tel, wechat: null, qq: null, deleted_at: deletedAt, deleted_by: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    };
    const [live, binned] = [
      await insert('脚本甲', '13011112222', null),
      await insert('脚本乙', '13033334444', 1_700_000_000),
    ];
    // Several rows in one statement, as a bulk script writes them.
    await db
      .insertInto('patients')
      .values([
        { ...template, name: '批量丙', tel: '13055556666', wechat: null, qq: null, deleted_at: null, deleted_by: null },
        {
          ...template,
          name: '批量丁',
          tel: '13077778888',
          wechat: null,
          qq: null,
          deleted_at: 1_700_000_000,
          deleted_by: null,
        },
      ])
      .execute();
    written.add('批量丙').add('13055556666').add('批量丁').add('13077778888');
    expect(await search('脚本')).toEqual(['脚本甲']);
    expect(await search('4444')).toEqual([]);
    expect(await search('批量')).toEqual(['批量丙']);
    expect(await search('8888')).toEqual([]);
    await db.deleteFrom('patients').where('id', 'in', [live, binned]).execute();
    expect(await search('脚本')).toEqual([]);
    expect(await search('2222')).toEqual(['网上新名']);
  });

  it('answers every fragment of every value ever written exactly as a scan with LIKE does', async () => {
    await expectEveryFragmentAsLike();
    if (onSqlite) {
      // FTS5 with external content compares its index with the patients rows (throws when they differ).
      await sql`insert into patient_keyword_fts (patient_keyword_fts) values ('integrity-check')`.execute(
        server.database.db,
      );
    }
  });

  it('answers the same after the gram tables are rebuilt from the rows (a migration or bulk load builds them so)', async () => {
    await server.database.db.transaction().execute((trx) => rebuildKeywordSearch(trx, server.database.dialect));
    await expectEveryFragmentAsLike();
  });
});
