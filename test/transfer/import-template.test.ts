import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { uploadImport } from './support.js';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
});
afterAll(async () => {
  await server?.close();
});

async function template(token: string, format?: string) {
  const url = new URL(`${STAFF}/patient/import/template`, server.baseUrl);
  if (format) url.searchParams.set('format', format);
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('the import template', () => {
  it('is a CSV header the import reads back, required columns marked *', async () => {
    const csv = await template(admin, 'csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    const text = csv.bytes.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const header = text.replace(/^\uFEFF/, '').trim();
    expect(header).toBe(
      '姓名*,性别,年龄,电话,微信,QQ,登记时间*,预约时间,到诊时间,状态,来源,科室,病种,医生,咨询方式,咨询内容,地区,备注',
    );

    // Filled in as a clinic would: it imports.
    const filled = `\uFEFF${header}\r\n模板客户,女,28,13922223333,,,2024-03-01 09:30:00,,,未到,,,,,,,,\r\n`;
    const dryRun = await uploadImport(server, admin, { content: filled, name: 'filled.csv' });
    expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(200);
    expect(dryRun.body.importReport).toMatchObject({ totalRows: 1, validRows: 1, errorCount: 0 });
  });

  it('is an xlsx workbook by default, with the same header row', async () => {
    const xlsx = await template(admin);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const values = (workbook.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
    expect(values.slice(0, 7)).toEqual(['姓名*', '性别', '年龄', '电话', '微信', 'QQ', '登记时间*']);
  });

  it('needs patients:import, and refuses an unknown format', async () => {
    const desk = await createStaffUser(server, 'template_desk', DEFAULT_ROLE.frontDesk);
    expect((await template(desk.token, 'csv')).status).toBe(403);
    expect((await template(admin, 'xls')).status).toBe(400);
  });

  it("names a bad cell's column as the template does, and a missing column by its template name", async () => {
    const bad = await uploadImport(server, admin, {
      content: '\uFEFF姓名,电话,登记时间\r\n甲,12345,2024-03-01\r\n',
      name: 'bad.csv',
    });
    expect(bad.status).toBe(200);
    expect(bad.body.importReport.errors).toEqual([expect.objectContaining({ line: 2, field: 'tel', column: '电话' })]);

    const missing = await uploadImport(server, admin, { content: '姓名,电话\r\n乙,13900001234\r\n', name: 'm.csv' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('缺少必需的列：登记时间');
    expect(JSON.stringify(missing.body)).not.toContain('add_time');
  });
});
