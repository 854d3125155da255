import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '../../http/errors.js';

/** A raw cell: text from CSV; text, number, boolean or Date (a date-formatted cell) from xlsx. */
export type RawCell = string | number | boolean | Date | null;

export interface SheetRow {
  /** The row number a spreadsheet program shows (header = 1). */
  line: number;
  cells: RawCell[];
}

export interface UploadedSheet {
  format: 'csv' | 'xlsx';
  header: string[];
  rows: SheetRow[];
}

/** Enough for a clinic group's migration; a larger file is split by the user. */
export const MAX_IMPORT_ROWS = 200_000;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** The file's content decides its format, not its name: xlsx is a zip, anything else is read as CSV text. */
export async function readSheet(file: Buffer): Promise<UploadedSheet> {
  if (file.subarray(0, 4).equals(OLE_MAGIC)) {
    throw new AppError('unsupported_media_type', '不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv 后上传');
  }
  const table = file.subarray(0, 4).equals(ZIP_MAGIC) ? await readXlsx(file) : readCsv(decodeText(file));
  const [header, ...rest] = table;
  if (!header) throw new AppError('invalid_value', '文件为空：第 1 行应为表头', { extra: { field: 'file' } });
  const rows = rest.filter((row) => row.cells.some((cell) => cell !== null && String(cell).trim() !== ''));
  if (rows.length > MAX_IMPORT_ROWS) {
    throw new AppError('invalid_value', `单次最多导入 ${MAX_IMPORT_ROWS} 行，请拆分文件`, { extra: { field: 'file' } });
  }
  return {
    format: file.subarray(0, 4).equals(ZIP_MAGIC) ? 'xlsx' : 'csv',
    header: header.cells.map((cell) => (cell === null ? '' : String(cell))),
    rows,
  };
}

/** UTF-8 (with or without BOM); Excel on Chinese Windows saves CSV as GBK, read as GB18030. */
function decodeText(file: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(file);
  } catch {
    return new TextDecoder('gb18030').decode(file);
  }
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF. */
export function readCsv(text: string): SheetRow[] {
  const rows: SheetRow[] = [];
  let cells: RawCell[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  const endField = () => {
    cells.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRow = () => {
    endField();
    rows.push({ line: rows.length + 1, cells });
    cells = [];
  };
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (char === ',') endField();
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      endRow();
    } else {
      field += char;
      fieldStarted = true;
    }
  }
  if (field !== '' || cells.length > 0) endRow();
  return rows;
}

function cellValue(value: unknown): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const rich = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(rich.richText)) return rich.richText.map((part) => part.text).join('');
    if ('result' in rich) return cellValue(rich.result);
    if (typeof rich.text === 'string') return rich.text;
    if ('error' in rich) return null;
  }
  return String(value);
}

/** The first worksheet, read with exceljs' streaming reader (no whole-workbook model in memory). */
async function readXlsx(file: Buffer): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file]), {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      entries: 'ignore',
    });
    let sheetIndex = 0;
    for await (const worksheet of reader) {
      sheetIndex += 1;
      for await (const row of worksheet) {
        if (sheetIndex !== 1) continue;
        if (rows.length > MAX_IMPORT_ROWS + 1) continue;
        const values = (row as unknown as { values: unknown[] }).values;
        rows.push({ line: (row as unknown as { number: number }).number, cells: Array.from(values.slice(1), cellValue) });
      }
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('invalid_value', '无法读取 xlsx 文件（文件损坏或不是 Excel 工作簿）', { extra: { field: 'file' }, cause: error });
  }
  // xlsx skips empty rows: the header is the first row present, whatever its number.
  return rows;
}
