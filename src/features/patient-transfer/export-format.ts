import { Readable } from 'node:stream';
import { fenToYuan } from '../../domain/money.js';
import { maskPhone } from '../../domain/phone.js';
import type { ExportRecord } from './export-repository.js';
import type { DateTimeText } from './export-time.js';
import { xlsxBytes } from './xlsx-writer.js';

export const SEX_LABEL: Record<number, string> = { 0: '男', 1: '女' };
export const STATE_LABEL: Record<number, string> = { 0: '未到', 1: '已到', 2: '流失' };

type Cell = string | number | null;

export const SHEET_NAME = '客户池';

export interface ExportOptions {
  showFullPhone: boolean;
  /** false in a doctor's scope: the marketing columns stay (the file still re-imports) but empty. */
  showMarketing: boolean;
  /** The clinic's calendar; a CachedDateTimeText for a long export. */
  clock: DateTimeText;
}

interface Column {
  header: string;
  width: number;
  value(record: ExportRecord, options: ExportOptions): Cell;
}

const time = (value: number | null, clock: DateTimeText): Cell => (value === null ? null : clock.dateTimeText(value));

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
  { header: '来源', width: 14, value: (r, o) => (o.showMarketing ? r.channel_name : null) },
  { header: '科室', width: 10, value: (r) => r.department_name },
  { header: '病种', width: 12, value: (r) => r.disease_name },
  { header: '医生', width: 10, value: (r) => r.doctor_name },
  { header: '咨询方式', width: 10, value: (r, o) => (o.showMarketing ? r.advisory_way : null) },
  { header: '咨询内容', width: 30, value: (r, o) => (o.showMarketing ? r.advisory_content : null) },
  { header: '地区', width: 10, value: (r) => r.area },
  { header: '备注', width: 30, value: (r) => r.remarks },
  { header: '登记人', width: 10, value: (r) => r.author_name },
  { header: '到诊次数', width: 8, value: (r) => r.visit_count },
  { header: '消费(元)', width: 10, value: (r, o) => (o.showMarketing ? fenToYuan(r.spend_fen) : null) },
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

/**
 * Rows per chunk of text handed to the stream. A whole page in one string (about 200 KB)
 * is a "large object" to V8, which keeps it in the old generation until a full GC: over
 * a million rows that alone grew the heap by 100 MB before V8 collected it.
 */
const ROWS_PER_CHUNK = 64;

/** CSV for Excel: UTF-8 with a byte-order mark (else Excel reads GBK), CRLF line ends. */
export function csvStream(pages: AsyncIterable<ExportRecord[]>, options: ExportOptions): Readable {
  async function* chunks(): AsyncGenerator<string> {
    yield `\uFEFF${csvLine(EXPORT_COLUMNS.map((column) => column.header))}`;
    for await (const page of pages) {
      for (let start = 0; start < page.length; start += ROWS_PER_CHUNK) {
        let text = '';
        for (let index = start; index < Math.min(start + ROWS_PER_CHUNK, page.length); index += 1) {
          text += csvLine(EXPORT_COLUMNS.map((column) => column.value(page[index]!, options)));
        }
        yield text;
      }
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * xlsx through our own streaming writer (xlsx-writer.ts): the next page is read only when
 * the client has taken the bytes of the last one, so memory holds about one page whatever
 * the row count. Strings stay strings in xlsx (inline strings are never formulas, so no
 * apostrophe is added); masking applies as in CSV.
 */
export function xlsxStream(pages: AsyncIterable<ExportRecord[]>, options: ExportOptions): Readable {
  async function* batches(): AsyncGenerator<Cell[][]> {
    for await (const page of pages)
      yield page.map((record) => EXPORT_COLUMNS.map((column) => column.value(record, options)));
  }
  return Readable.from(xlsxBytes({ sheetName: SHEET_NAME, columns: EXPORT_COLUMNS, batches: batches() }), {
    objectMode: false,
  });
}
