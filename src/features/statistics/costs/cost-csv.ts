import { YUAN_PATTERN, yuanToFen } from '../../../domain/money.js';
import { isMonth } from './allocation.js';

/*
 * The spend import's file: CSV text, one row per channel and month, header in Chinese or
 * English: 渠道/channel, 月份/month, 金额/amount (yuan). What an owner types in a spreadsheet
 * is accepted: 2024-03, 2024/3, 2024年3月; 12000, 12,000.50, ¥800.
 */

export interface CostRowProblem {
  /** 1-based line of the file (the header is line 1); 0 for the file as a whole. */
  row: number;
  field: 'file' | 'channel' | 'month' | 'amount';
  message: string;
}

export interface ParsedCostRow {
  row: number;
  channelName: string;
  month: string;
  amountFen: number;
}

const HEADERS: Record<'channel' | 'month' | 'amount', string[]> = {
  channel: ['渠道', '来源', '来源渠道', 'channel'],
  month: ['月份', '月', 'month'],
  amount: ['金额', '费用', '花费', '金额(元)', '费用(元)', 'amount', 'spend'],
};

/** Fields of one CSV line: commas, "quoted, fields" and "" inside quotes. */
function parseLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields.map((value) => value.trim());
}

function monthOf(text: string): string | null {
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/.exec(text);
  if (!match) return null;
  const month = `${match[1]}-${match[2]!.padStart(2, '0')}`;
  return isMonth(month) ? month : null;
}

function amountOf(text: string): number | null {
  const plain = text
    .replace(/^[¥￥]/, '')
    .replace(/,/g, '')
    .trim();
  return new RegExp(YUAN_PATTERN).test(plain) ? yuanToFen(plain) : null;
}

/** Rows and problems of a cost file; channels are named, and resolved by the caller. */
export function parseCostCsv(text: string): { dataRows: number; rows: ParsedCostRow[]; problems: CostRowProblem[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const problems: CostRowProblem[] = [];
  const header = parseLine(lines[0] ?? '').map((name) => name.toLowerCase());
  const columns = Object.fromEntries(
    (Object.keys(HEADERS) as (keyof typeof HEADERS)[]).map((field) => [
      field,
      header.findIndex((name) => HEADERS[field].includes(name)),
    ]),
  ) as Record<keyof typeof HEADERS, number>;
  const missing = (Object.keys(columns) as (keyof typeof HEADERS)[]).filter((field) => columns[field] < 0);
  if (missing.length > 0) {
    const names = missing.map((field) => HEADERS[field][0]).join('、');
    problems.push({ row: 0, field: 'file', message: `缺少列: ${names}（表头应为 渠道,月份,金额）` });
    return { dataRows: 0, rows: [], problems };
  }
  const rows: ParsedCostRow[] = [];
  let dataRows = 0;
  for (const [index, line] of lines.entries()) {
    if (index === 0 || line.trim() === '') continue;
    const row = index + 1;
    dataRows += 1;
    const fields = parseLine(line);
    const channelName = fields[columns.channel] ?? '';
    const month = monthOf(fields[columns.month] ?? '');
    const amountFen = amountOf(fields[columns.amount] ?? '');
    if (channelName === '') problems.push({ row, field: 'channel', message: '渠道不能为空' });
    if (month === null)
      problems.push({ row, field: 'month', message: '月份应为 2024-03 这样的年月（2000 至 2099 年）' });
    if (amountFen === null) problems.push({ row, field: 'amount', message: '金额应为不小于 0 的元数，最多两位小数' });
    if (channelName !== '' && month !== null && amountFen !== null) rows.push({ row, channelName, month, amountFen });
  }
  if (rows.length === 0 && problems.length === 0) problems.push({ row: 0, field: 'file', message: '文件没有数据行' });
  return { dataRows, rows, problems };
}
