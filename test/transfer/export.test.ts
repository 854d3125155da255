import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/features/patient-transfer/import-reader.js';
import { catalogId, createPatient, createRole } from '../statistics/support.js';
import { createStaffUser, DEFAULT_ROLE, staffLogin, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { downloadExport } from './support.js';
import { checkZipWithOtherReader } from './zip-check.js';

let server: TestServer;
let admin: string;
let masked: { id: number; token: string };
let ownExporter: { id: number; token: string };
let consultant: { id: number; token: string };
let baidu: number;

const ADD_TIME = Date.UTC(2024, 2, 1, 1, 30) / 1000; // 2024-03-01 09:30 in Asia/Shanghai
const BULK_TIME = Date.UTC(2023, 0, 1) / 1000;
const BULK_ROWS = 2345;
const SPECIAL_TIME = Date.UTC(2024, 4, 1) / 1000;

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  await createRole(server, '导出-掩码', ['patients', 'patients:view_all', 'patients:export']);
  await createRole(server, '导出-本人', [
    'patients',
    'patients:view_own',
    'patients:create',
    'patients:export',
    'patients:view_full_phone',
  ]);
  masked = await createStaffUser(server, 'export_masked', '导出-掩码');
  ownExporter = await createStaffUser(server, 'export_own', '导出-本人');
  consultant = await createStaffUser(server, 'export_consultant', DEFAULT_ROLE.consultant);
  baidu = await catalogId(server, 'channels', '百度推广');
  const acne = await catalogId(server, 'diseases', '痤疮');
  const doctor = await catalogId(server, 'doctors', '张明华');
  await createPatient(server, admin, {
    name: '=HYPERLINK("http://evil")',
    tel: '13812345678',
    sex: 1,
    age: 30,
    add_time: ADD_TIME,
    media_from_id: baidu,
    disease_id: acne,
    doctor_id: doctor,
    advisory_way: '微信',
    remarks: '说,"引号"\n换行',
    area: '-1+1',
  });
  await createPatient(server, ownExporter.token, { name: '本人客户', tel: '13900001111', add_time: ADD_TIME + 60 });
  // Text an xlsx writer can get wrong: markup characters, formula look-alikes, line breaks,
  // edge spaces, and a control character XML 1.0 forbids.
  await createPatient(server, admin, {
    name: '王<小&明>"',
    tel: '13700001234',
    age: 41,
    add_time: SPECIAL_TIME,
    remarks: '第一行\r\n第二行\t制表',
    area: '  前后空格 ',
    advisory_content: '<b>加粗</b> &amp; 不是实体',
    wechat: 'a]]>b',
  });
  await createPatient(server, admin, {
    name: '=1+1',
    tel: '13700005678',
    add_time: SPECIAL_TIME + 1,
    remarks: '+86 @home -x',
  });
  await createPatient(server, admin, { name: `响铃\u0007名`, add_time: SPECIAL_TIME + 2 });
  // Enough rows for several keyset pages, straight into the table.
  const now = unixNow();
  const bulk = Array.from({ length: BULK_ROWS }, (_, index) => ({
    name: `批量${index}`,
    add_time: BULK_TIME + index,
    state: 0,
    author_id: null,
    created_at: now,
    updated_at: now,
  }));
  for (let start = 0; start < bulk.length; start += 500) {
    await server.database.db
      .insertInto('patients')
      .values(bulk.slice(start, start + 500))
      .execute();
  }
});
afterAll(async () => server?.close());

const csvRows = (bytes: Buffer) =>
  readCsv(bytes.toString('utf8').replace(/^\uFEFF/, '')).map((row) => row.cells as string[]);

describe('GET patient/export (CSV)', () => {
  it('streams a BOM-prefixed CSV with names instead of ids, full phones for the administrator, injection-safe', async () => {
    const response = await downloadExport(server, admin, {
      format: 'csv',
      add_time_from: ADD_TIME,
      add_time_to: ADD_TIME,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="patients-\d{8}-\d{6}\.csv"; filename\*=UTF-8''/,
    );
    expect([...response.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, row, ...rest] = csvRows(response.bytes);
    expect(rest).toEqual([]);
    const record = Object.fromEntries(header!.map((name, index) => [name, row![index]]));
    expect(record).toMatchObject({
      姓名: `'=HYPERLINK("http://evil")`,
      电话: '13812345678',
      性别: '女',
      年龄: '30',
      登记时间: '2024-03-01 09:30:00',
      状态: '未到',
      来源: '百度推广',
      科室: '皮肤科',
      病种: '痤疮',
      医生: '张明华',
      咨询方式: '微信',
      备注: '说,"引号"\n换行',
      地区: "'-1+1",
    });
    expect(record['消费(元)']).toBe('0.00');
    expect(record.登记人).toBeTruthy();
  });

  it('masks phones without patients:view_full_phone', async () => {
    const response = await downloadExport(server, masked.token, {
      add_time_from: ADD_TIME,
      add_time_to: ADD_TIME + 60,
    });
    expect(response.status).toBe(200);
    const [header, ...rows] = csvRows(response.bytes);
    const tel = header!.indexOf('电话');
    expect(rows.map((row) => row[tel])).toEqual(['138****5678', '139****1111']);
    expect(response.bytes.toString('utf8')).not.toContain('13812345678');
  });

  it("exports only the caller's own patients without view_all (out of scope rows never appear)", async () => {
    const response = await downloadExport(server, ownExporter.token, {});
    const [, ...rows] = csvRows(response.bytes);
    expect(rows.map((row) => row[1])).toEqual(['本人客户']);
  });

  it('reads every row across keyset pages, in id order, under the list filters', async () => {
    const response = await downloadExport(server, admin, {
      add_time_from: BULK_TIME,
      add_time_to: BULK_TIME + BULK_ROWS,
    });
    const [, ...rows] = csvRows(response.bytes);
    expect(rows).toHaveLength(BULK_ROWS);
    expect(rows[0]![1]).toBe('批量0');
    expect(rows[BULK_ROWS - 1]![1]).toBe(`批量${BULK_ROWS - 1}`);
    const ids = rows.map((row) => Number(row[0]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const filtered = await downloadExport(server, admin, { media_from_id: baidu });
    expect(csvRows(filtered.bytes)).toHaveLength(2);
    const keyword = await downloadExport(server, admin, { keyword: '批量234' });
    expect(csvRows(keyword.bytes).length - 1).toBe(6); // 批量234 and 批量2340 ... 批量2344
  });

  it('audits the export with its filters before streaming', async () => {
    await downloadExport(server, masked.token, { format: 'csv', media_from_id: baidu, state: 0 });
    const audit = await server.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'patient.export')
      .where('actor_id', '=', masked.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toEqual({
      format: 'csv',
      filters: { media_from_id: baidu, state: 0 },
      scope: 'all',
      phonesMasked: true,
    });
  });

  it('refuses a role without patients:export (403) and bad parameters (400)', async () => {
    const denied = await downloadExport(server, consultant.token, {});
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.bytes.toString()).state_code).toBe(48001);
    for (const query of [
      { format: 'pdf' },
      { state: 9 },
      { add_time_from: 'soon' },
      { keyword: 'x'.repeat(51) },
    ] as Record<string, string | number>[]) {
      const response = await downloadExport(server, admin, query);
      expect(response.status, JSON.stringify(query)).toBe(400);
    }
    const none = await server.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'patient.export')
      .where('actor_id', '=', consultant.id)
      .execute();
    expect(none).toEqual([]);
  });
});

/** The first worksheet as text per cell, the way it reads in Excel (numbers as their digits, empty as ''). */
async function xlsxRows(
  bytes: Buffer,
): Promise<{ rows: string[][]; types: ExcelJS.ValueType[][]; sheet: ExcelJS.Worksheet }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const rows: string[][] = [];
  const types: ExcelJS.ValueType[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells = Array.from({ length: sheet.columnCount }, (_, index) => row.getCell(index + 1));
    rows.push(cells.map((cell) => (cell.value === null || cell.value === undefined ? '' : String(cell.value))));
    types.push(cells.map((cell) => cell.type));
  });
  return { rows, types, sheet };
}

/**
 * The CSV's text as the xlsx must show it: the CSV's formula apostrophe is not there (an
 * inline string is never a formula) and characters XML 1.0 cannot carry are dropped.
 */
const csvTextInXlsx = (text: string): string =>
  text.replace(/^'(?=[=+\-@\t\r])/, '').replace(/[\x00-\x08\x0B\x0C\x0E-\x1F]/g, '');

describe('GET patient/export (xlsx)', () => {
  it('streams a workbook that exceljs reads back, with masking applied', async () => {
    const response = await downloadExport(server, masked.token, {
      format: 'xlsx',
      add_time_from: ADD_TIME,
      add_time_to: ADD_TIME + 60,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="patients-\d{8}-\d{6}\.xlsx"; filename\*=UTF-8''/,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('客户池');
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const first = (sheet.getRow(2).values as unknown[]).slice(1);
    const record = Object.fromEntries(header.map((name, index) => [String(name), first[index]]));
    expect(record).toMatchObject({
      姓名: '=HYPERLINK("http://evil")',
      电话: '138****5678',
      来源: '百度推广',
      病种: '痤疮',
      年龄: 30,
    });
    expect(sheet.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.rowCount).toBe(3);
    expect(response.bytes.toString('latin1')).not.toContain('13812345678');
  });

  it('holds the same headers and cells as the CSV: Chinese, markup, formula look-alikes, line breaks, masked phones', async () => {
    const query = { add_time_from: SPECIAL_TIME, add_time_to: SPECIAL_TIME + 2 };
    const csv = csvRows((await downloadExport(server, masked.token, { ...query, format: 'csv' })).bytes);
    const response = await downloadExport(server, masked.token, { ...query, format: 'xlsx' });
    expect(response.status).toBe(200);
    const { rows, types } = await xlsxRows(response.bytes);
    expect(rows).toEqual(csv.map((row) => row.map(csvTextInXlsx)));
    expect(rows).toHaveLength(4);

    const [header, special, formula, control] = rows;
    const record = Object.fromEntries(header!.map((name, index) => [name, special![index]]));
    expect(record).toMatchObject({
      姓名: '王<小&明>"',
      电话: '137****1234',
      年龄: '41',
      备注: '第一行\r\n第二行\t制表',
      地区: '  前后空格 ',
      咨询内容: '<b>加粗</b> &amp; 不是实体',
      微信: 'a]]>b',
    });
    expect(formula![1]).toBe('=1+1');
    expect(csv[2]![1]).toBe("'=1+1");
    expect(control![1]).toBe('响铃名');
    // Text stays text (never a formula), numbers stay numbers.
    const column = (name: string) => header!.indexOf(name);
    expect(types[2]![column('姓名')]).toBe(ExcelJS.ValueType.String);
    expect(types[1]![column('ID')]).toBe(ExcelJS.ValueType.Number);
    expect(types[1]![column('年龄')]).toBe(ExcelJS.ValueType.Number);
    expect(types[1]![column('消费(元)')]).toBe(ExcelJS.ValueType.String);
    checkZipWithOtherReader(response.bytes);
  });

  it("writes every row of a multi-page export, equal to the CSV, readable by exceljs' streaming reader too", async () => {
    const query = { add_time_from: BULK_TIME, add_time_to: BULK_TIME + BULK_ROWS };
    const response = await downloadExport(server, admin, { ...query, format: 'xlsx' });
    const { rows, sheet } = await xlsxRows(response.bytes);
    expect(sheet.rowCount).toBe(BULK_ROWS + 1);
    const csv = csvRows((await downloadExport(server, admin, { ...query, format: 'csv' })).bytes);
    expect(rows).toEqual(csv.map((row) => row.map(csvTextInXlsx)));
    expect(rows[BULK_ROWS]![1]).toBe(`批量${BULK_ROWS - 1}`);

    // The streaming reader (the one the import uses) sees the same rows.
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([response.bytes]), {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'ignore',
      hyperlinks: 'ignore',
      entries: 'ignore',
    });
    const streamed: string[] = [];
    for await (const worksheet of reader as unknown as AsyncIterable<AsyncIterable<{ values: unknown[] }>>) {
      for await (const row of worksheet) streamed.push(String(row.values[2]));
    }
    expect(streamed).toEqual(rows.map((row) => row[1]));
    checkZipWithOtherReader(response.bytes);
  });
});
