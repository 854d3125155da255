import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogId, createPatient, createRole } from '../statistics/support.js';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { csvOf, uploadImport } from './support.js';

let server: TestServer;
let admin: string;
let adminId: number;
let scopedImporter: { id: number; token: string };
let consultant: { id: number; token: string };
let existingId: number;

const HEADER = ['姓名', '电话', '性别', '年龄', '登记时间', '状态', '来源', '病种', '医生', '咨询方式', '地区', '备注'];

const patientCount = async () =>
  Number(
    (
      await server.database.db
        .selectFrom('patients')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const importAudits = async () =>
  server.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'patient.import').orderBy('id').execute();
const csvFile = (lines: string[][], name = 'patients.csv') => ({ content: `\uFEFF${csvOf([HEADER, ...lines])}`, name });

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  adminId = (
    await server.database.db
      .selectFrom('staff_users')
      .select('id')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow()
  ).id;
  await createRole(server, '导入-本人', ['patients', 'patients:view_own', 'patients:create', 'patients:import']);
  scopedImporter = await createStaffUser(server, 'import_own', '导入-本人');
  consultant = await createStaffUser(server, 'import_consultant', DEFAULT_ROLE.consultant);
  existingId = await createPatient(server, admin, {
    name: '老客户',
    tel: '13700000001',
    add_time: 1_700_000_000,
    remarks: '旧备注',
  });
  // A deactivated channel stays on old records but is refused for new ones.
  await server.database.db.updateTable('channels').set({ is_active: 0 }).where('name', '=', '抖音').execute();
});
afterAll(async () => server?.close());

describe('POST patient/import: dry run', () => {
  it('reports every bad row with its line and reason, and duplicates in the file and in the pool', async () => {
    const file = csvFile([
      ['张三', '13800000001', '男', '30', '2024-03-01 09:30', '未到', '百度推广', '痤疮', '张明华', '微信', '上海', ''],
      ['', '1380000', '未知', '200', 'yesterday', '来了', '不存在的渠道', '', '', '', '', ''],
      ['李四', '13800000002', '女', '', '1709256600', '已到', '抖音', '', '', '飞鸽传书', '', ''],
      ['王五', '13800000001', '', '', '2024/3/2', '', '', '', '', '', '', ''],
      ['老客户', '13700000001', '', '', '2024-03-03', '流失', '', '', '', '', '', '=cmd'],
      ['', '', '', '', '', '', '', '', '', '', '', ''],
    ]);
    const response = await uploadImport(server, admin, file, { mode: 'dry_run' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const report = response.body.importReport;
    expect(report).toMatchObject({
      mode: 'dry_run',
      committed: false,
      totalRows: 5,
      validRows: 3,
      inserted: 1,
      updated: 0,
      skipped: 2,
    });
    const reasons = report.errors.map((error: any) => `${error.line}:${error.field}`);
    expect(reasons).toEqual([
      '3:name',
      '3:tel',
      '3:sex',
      '3:age',
      '3:add_time',
      '3:state',
      '3:channel',
      '4:channel',
      '4:advisory_way',
      '4:reach_time',
    ]);
    expect(report.errors.find((error: any) => error.line === 4 && error.field === 'channel').reason).toContain(
      '已停用',
    );
    expect(report.errorCount).toBe(10);
    expect(report.duplicates).toEqual([
      { line: 5, tel: '13800000001', source: 'file', firstLine: 2, action: 'skip' },
      { line: 6, tel: '13700000001', source: 'database', existingId: String(existingId), action: 'skip' },
    ]);
    expect(await importAudits()).toEqual([]);
  });

  it('refuses files it cannot read with a clear 4xx', async () => {
    const noName = await uploadImport(server, admin, {
      content: '电话,登记时间\n13800000009,2024-01-01',
      name: 'x.csv',
    });
    expect(noName.status).toBe(400);
    expect(noName.body.msg).toContain('姓名');
    const xls = await uploadImport(server, admin, {
      content: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]),
      name: 'old.xls',
    });
    expect(xls.status).toBe(415);
    const brokenZip = await uploadImport(server, admin, {
      content: Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 7)]),
      name: 'a.xlsx',
    });
    expect(brokenZip.status).toBe(400);
    const noFile = await uploadImport(server, admin, null, { mode: 'dry_run' });
    expect(noFile.status).toBe(400);
    expect(noFile.body.state_code).toBe(44001);
    const badMode = await uploadImport(server, admin, csvFile([]), { mode: 'yolo' });
    expect(badMode.status).toBe(400);
    const json = await server.http.post(`${STAFF}/patient/import`, { json: { token: admin } });
    expect(json.status).toBe(415);
    const tooLarge = await uploadImport(server, admin, {
      content: Buffer.alloc(21 * 1024 * 1024, 0x41),
      name: 'big.csv',
    });
    expect(tooLarge.status).toBe(413);
    const nul = await uploadImport(
      server,
      admin,
      csvFile([['空\u0000字', '', '', '', '2024-01-01', '', '', '', '', '', '', '']]),
    );
    expect(nul.body.importReport.errors).toEqual([expect.objectContaining({ line: 2, field: 'name' })]);
  });

  it('refuses a role without patients:import (403)', async () => {
    const response = await uploadImport(server, consultant.token, csvFile([]));
    expect(response.status).toBe(403);
    expect(response.body.state_code).toBe(48001);
  });
});

describe('POST patient/import: commit', () => {
  it('writes nothing when any row is bad (400 with the report), and audits nothing', async () => {
    const before = await patientCount();
    const response = await uploadImport(
      server,
      admin,
      csvFile([
        ['好一', '13800000011', '', '', '2024-03-01', '', '', '', '', '', '', ''],
        ['好二', '13800000012', '', '', '2024-03-01', '', '', '', '', '', '', ''],
        ['坏', '12345', '', '', '2024-03-01', '', '', '', '', '', '', ''],
      ]),
      { mode: 'commit' },
    );
    expect(response.status).toBe(400);
    expect(response.body.state_code).toBe(40001);
    expect(response.body.importReport).toMatchObject({
      committed: false,
      errorCount: 1,
      errors: [{ line: 4, field: 'tel' }],
    });
    expect(await patientCount()).toBe(before);
    expect(await importAudits()).toEqual([]);
  });

  it('writes all good rows in one go with the caller as author, skipping duplicates, and audits the counts', async () => {
    const rows: string[][] = [];
    for (let index = 0; index < 1203; index += 1) {
      rows.push([
        `导入${index}`,
        `1360000${String(index).padStart(4, '0')}`,
        '女',
        '40',
        '2024-03-05 08:00:00',
        '未到',
        '微信公众号',
        '湿疹',
        '',
        '电话',
        '',
        '',
      ]);
    }
    rows.push(['重复老客户', '13700000001', '', '', '2024-03-05', '', '', '', '', '', '', '新备注']);
    const before = await patientCount();
    const response = await uploadImport(server, admin, csvFile(rows), {}, { mode: 'commit' });
    expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(200);
    expect(response.body.importReport).toMatchObject({
      committed: true,
      inserted: 1203,
      updated: 0,
      skipped: 1,
      errorCount: 0,
    });
    expect(await patientCount()).toBe(before + 1203);
    const sample = await server.database.db
      .selectFrom('patients')
      .selectAll()
      .where('name', '=', '导入7')
      .executeTakeFirstOrThrow();
    expect(sample).toMatchObject({
      tel: '13600000007',
      sex: 1,
      age: 40,
      author_id: adminId,
      state: 0,
      advisory_way: '电话',
      add_time: Date.UTC(2024, 2, 5, 0, 0) / 1000,
      media_from_id: await catalogId(server, 'channels', '微信公众号'),
      disease_id: await catalogId(server, 'diseases', '湿疹'),
    });
    const old = await server.database.db
      .selectFrom('patients')
      .select('remarks')
      .where('id', '=', existingId)
      .executeTakeFirstOrThrow();
    expect(old.remarks).toBe('旧备注');
    const audits = await importAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor_id: adminId, outcome: 'success' });
    expect(JSON.parse(audits[0]!.details!)).toMatchObject({
      format: 'csv',
      totalRows: 1204,
      inserted: 1203,
      updated: 0,
      skipped: 1,
    });
    const list = await server.http.get(`${STAFF}/patient/`, { query: { token: admin, keyword: '导入120' } });
    expect(list.body.total).toBe(4);
  });

  it('updates the existing record with on_duplicate=update (profile fields only)', async () => {
    const response = await uploadImport(
      server,
      admin,
      csvFile([['老客户改名', '13700000001', '女', '', '2030-01-01', '', '', '', '', '', '北京', '新备注']]),
      { mode: 'commit', on_duplicate: 'update' },
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.importReport).toMatchObject({ inserted: 0, updated: 1, skipped: 0 });
    const old = await server.database.db
      .selectFrom('patients')
      .selectAll()
      .where('id', '=', existingId)
      .executeTakeFirstOrThrow();
    expect(old).toMatchObject({
      name: '老客户改名',
      sex: 1,
      area: '北京',
      remarks: '新备注',
      add_time: 1_700_000_000,
      tel: '13700000001',
    });
    const audits = await importAudits();
    expect(JSON.parse(audits.at(-1)!.details!)).toMatchObject({ updated: 1, updatedIds: [existingId] });
  });

  it("never names or updates a duplicate outside the caller's scope", async () => {
    const response = await uploadImport(
      server,
      scopedImporter.token,
      csvFile([['别人的客户', '13700000001', '', '', '2024-03-01', '', '', '', '', '', '', 'x']]),
      { mode: 'commit', on_duplicate: 'update' },
    );
    expect(response.status).toBe(200);
    expect(response.body.importReport).toMatchObject({ inserted: 0, updated: 0, skipped: 1 });
    expect(response.body.importReport.duplicates).toEqual([
      { line: 2, tel: '137****0001', source: 'database', action: 'skip' },
    ]);
    const old = await server.database.db
      .selectFrom('patients')
      .select('name')
      .where('id', '=', existingId)
      .executeTakeFirstOrThrow();
    expect(old.name).toBe('老客户改名');
  });

  it('imports an xlsx with English headers, date cells and Unix seconds', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.addRow(['name', 'tel', 'add_time', 'state', 'reach_time', 'channel', 'QQ']);
    sheet.addRow([
      'Excel甲',
      13500000001,
      new Date(Date.UTC(2024, 5, 1, 10, 15)),
      '已到',
      1717209000,
      '大众点评',
      123456,
    ]);
    sheet.addRow(['Excel乙', '13500000002', '2024-06-02', '', '', '', '']);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const response = await uploadImport(
      server,
      scopedImporter.token,
      { content: buffer, name: 'p.xlsx' },
      { mode: 'commit' },
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.importReport).toMatchObject({ committed: true, inserted: 2, totalRows: 2 });
    const first = await server.database.db
      .selectFrom('patients')
      .selectAll()
      .where('name', '=', 'Excel甲')
      .executeTakeFirstOrThrow();
    expect(first).toMatchObject({
      tel: '13500000001',
      qq: '123456',
      state: 1,
      reach_time: 1717209000,
      author_id: scopedImporter.id,
      add_time: Date.UTC(2024, 5, 1, 2, 15) / 1000, // 10:15 on the sheet = clinic time (UTC+8)
    });
  });

  it('reads a CSV saved by Excel in GBK', async () => {
    // "姓名,登记时间\r\n张三,2024-01-02" in GBK.
    const gbk = Buffer.from([
      0xd0,
      0xd5,
      0xc3,
      0xfb,
      0x2c,
      0xb5,
      0xc7,
      0xbc,
      0xc7,
      0xca,
      0xb1,
      0xbc,
      0xe4,
      0x0d,
      0x0a,
      0xd5,
      0xc5,
      0xc8,
      0xfd,
      0x2c,
      ...Buffer.from('2024-01-02'),
    ]);
    const response = await uploadImport(server, admin, { content: gbk, name: 'gbk.csv' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.importReport).toMatchObject({ totalRows: 1, validRows: 1, errorCount: 0, inserted: 1 });
  });
});
