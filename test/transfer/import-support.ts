import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { STAFF } from '../support/fixtures.js';
import type { TestServer } from '../support/server.js';
import { csvOf } from './support.js';

/** Every column the import reads, Chinese headers. */
export const FULL_HEADER = [
  '姓名',
  '电话',
  '性别',
  '年龄',
  '微信',
  'QQ',
  '登记时间',
  '预约时间',
  '到诊时间',
  '状态',
  '来源',
  '病种',
  '医生',
  '咨询方式',
  '地区',
  '备注',
];

/** A CSV as Excel saves it for Chinese users: UTF-8 with BOM, CRLF. */
export const csvUpload = (lines: (string | number)[][], name = 'patients.csv') => ({
  content: `\uFEFF${csvOf([FULL_HEADER, ...lines.map((cells) => cells.map(String))])}`,
  name,
});

/**
 * The same rows as Excel writes them (in-memory workbook: shared strings, stored after the
 * sheet). Cells that look like whole numbers (tel, age, QQ) become number cells, as typed in Excel.
 */
export async function xlsxUpload(lines: (string | number)[][], name = 'patients.xlsx') {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('客户');
  sheet.addRow(FULL_HEADER);
  for (const cells of lines)
    sheet.addRow(
      cells.map((cell) =>
        typeof cell === 'string' && /^[1-9]\d{0,10}$/.test(cell) ? Number(cell) : cell === '' ? null : cell,
      ),
    );
  return { content: Buffer.from(await workbook.xlsx.writeBuffer()), name };
}

/** An xlsx without a shared-strings part (inline strings), as streaming writers make it. */
export async function inlineStringsXlsx(
  header: string[],
  lines: string[][],
): Promise<{ content: Buffer; name: string }> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.addRow(header).commit();
  for (const cells of lines) sheet.addRow(cells).commit();
  sheet.commit();
  await workbook.commit();
  return { content: Buffer.concat(chunks), name: 'inline.xlsx' };
}

/** exceljs' temporary files (tmp-<pid>-…) of this process: the in-process test server's. */
export const exceljsTempFiles = () => readdirSync(tmpdir()).filter((file) => file.startsWith(`tmp-${process.pid}-`));

/** Unix seconds of a wall-clock time in the clinic's zone (Asia/Shanghai in tests). */
export const clinicTime = (text: string): number => {
  const [date, time = '00:00:00'] = text.split(' ');
  const [year, month, day] = date!.split(/[-/]/).map(Number);
  const [hour, minute, second = 0] = time.split(':').map(Number);
  return Date.UTC(year!, month! - 1, day!, hour! - 8, minute!, second) / 1000;
};

/** Today in the clinic's zone, as the file would write it. */
export const clinicToday = (): string => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

/** What a user reads off the screens that count patients: the pool, the funnel, the dashboard. */
export async function visibleCounts(server: TestServer, token: string, keyword: string) {
  const [pool, matches, funnel, dashboard] = await Promise.all([
    server.http.get(`${STAFF}/patient/`, { query: { token, page_size: 1 } }),
    server.http.get(`${STAFF}/patient/`, { query: { token, keyword, page_size: 1 } }),
    server.http.get(`${STAFF}/statistics/funnel`, {
      query: {
        token,
        from: clinicTime('2023-01-01'),
        to: clinicTime('2030-12-31'),
        bucket: 'year',
        group_by: 'channel',
      },
    }),
    server.http.get(`${STAFF}/dashboard`, { query: { token } }),
  ]);
  for (const response of [pool, matches, funnel, dashboard])
    if (response.status !== 200) throw new Error(JSON.stringify(response.body));
  return {
    pool: pool.body.total,
    matches: matches.body.total,
    funnel: funnel.body.funnel,
    dashboard: dashboard.body.dashboard,
  };
}
