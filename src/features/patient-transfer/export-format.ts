import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { fenToYuan } from '../patients/money.js';
import { maskPhone } from '../patients/wire.js';
import type { ClinicClock } from '../statistics/clinic-clock.js';
import type { ExportRecord } from './export-repository.js';

export const SEX_LABEL: Record<number, string> = { 0: '男', 1: '女' };
export const STATE_LABEL: Record<number, string> = { 0: '未到', 1: '已到', 2: '流失' };

type Cell = string | number | null;

export interface ExportOptions {
  showFullPhone: boolean;
  clock: ClinicClock;
}

interface Column {
  header: string;
  width: number;
  value(record: ExportRecord, options: ExportOptions): Cell;
}

const time = (value: number | null, clock: ClinicClock): Cell => (value === null ? null : clock.dateTimeText(value));

/** The export's columns; their headers are the import's Chinese headers, so an export re-imports. */
export const EXPORT_COLUMNS: readonly Column[] = [
  { header: 'ID', width: 10, value: (r) => r.id },
  { header: '姓名', width: 12, value: (r) => r.name },
  { header: '性别', width: 6, value: (r) => (r.sex === null ? null : (SEX_LABEL[r.sex] ?? null)) },
  { header: '年龄', width: 6, value: (r) => r.age },
  { header: '电话', width: 14, value: (r, o) => (r.tel === null ? null : o.showFullPhone ? r.tel : maskPhone(r.tel)) },
  { header: '微信', width: 14, value: (r) => r.wechat },
  { header: 'QQ', width: 12, value: (r) => r.qq },
  { header: '登记时间', width: 20, value: (r, o) => time(r.add_time, o.clock) },
  { header: '预约时间', width: 20, value: (r, o) => time(r.order_time, o.clock) },
  { header: '到诊时间', width: 20, value: (r, o) => time(r.reach_time, o.clock) },
  { header: '状态', width: 6, value: (r) => STATE_LABEL[r.state] ?? String(r.state) },
  { header: '来源', width: 14, value: (r) => r.channel_name },
  { header: '科室', width: 10, value: (r) => r.department_name },
  { header: '病种', width: 12, value: (r) => r.disease_name },
  { header: '医生', width: 10, value: (r) => r.doctor_name },
  { header: '咨询方式', width: 10, value: (r) => r.advisory_way },
  { header: '咨询内容', width: 30, value: (r) => r.advisory_content },
  { header: '地区', width: 10, value: (r) => r.area },
  { header: '备注', width: 30, value: (r) => r.remarks },
  { header: '登记人', width: 10, value: (r) => r.author_name },
  { header: '到诊次数', width: 8, value: (r) => r.visit_count },
  { header: '消费(元)', width: 10, value: (r) => fenToYuan(r.spend_fen) },
];

/**
 * Spreadsheet programs run a cell that starts with = + - @ (or a tab / carriage return)
 * as a formula: a patient named "=HYPERLINK(...)" must stay text, so such cells get a
 * leading apostrophe (OWASP CSV injection).
 */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvCell(value: Cell): string {
  if (value === null) return '';
  const text = typeof value === 'string' ? neutralizeFormula(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvLine = (cells: Cell[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** CSV for Excel: UTF-8 with a byte-order mark (else Excel reads GBK), CRLF line ends. */
export function csvStream(pages: AsyncIterable<ExportRecord[]>, options: ExportOptions): Readable {
  async function* chunks(): AsyncGenerator<string> {
    yield `\uFEFF${csvLine(EXPORT_COLUMNS.map((column) => column.header))}`;
    for await (const page of pages) {
      yield page.map((record) => csvLine(EXPORT_COLUMNS.map((column) => column.value(record, options)))).join('');
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * xlsx through exceljs' streaming writer: each row is committed (serialized into the zip)
 * as soon as it is added, and the writer waits while the client is slower than the
 * database, so memory holds about one page whatever the row count.
 */
export function xlsxStream(pages: AsyncIterable<ExportRecord[]>, options: ExportOptions, onError: (error: unknown) => void): Readable {
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('客户池');
  sheet.columns = EXPORT_COLUMNS.map((column, index) => ({ header: column.header, key: String(index), width: column.width }));
  (async () => {
    for await (const page of pages) {
      if (output.destroyed) return;
      for (const record of page) {
        // Strings stay strings in xlsx (never formulas); masking applies as in CSV.
        sheet.addRow(EXPORT_COLUMNS.map((column) => column.value(record, options))).commit();
      }
      if (output.writableNeedDrain) {
        await new Promise((resolve) => {
          output.once('drain', resolve);
          output.once('close', resolve);
        });
      }
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => {
    onError(error);
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return output;
}
