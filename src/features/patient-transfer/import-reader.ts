import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { AppError } from '../../http/errors.js';

/** A raw cell: text from CSV; text, number, boolean or Date (a date-formatted cell) from xlsx. */
export type RawCell = string | number | boolean | Date | null;

export interface SheetRow {
  /** The row number a spreadsheet program shows (header = 1). */
  line: number;
  cells: RawCell[];
}

/**
 * One read of an uploaded sheet, row by row: nothing of the file is held beyond the row at hand
 * (and, for xlsx, exceljs' table of the workbook's distinct strings). Read it again for a second pass.
 */
export interface SheetReading {
  format: 'csv' | 'xlsx';
  header: string[];
  /** The data rows, blank ones left out; throws once there are more than MAX_IMPORT_ROWS. */
  rows: AsyncIterable<SheetRow>;
  /** Ends the read early (a no-op after the rows were read to the end). */
  close(): Promise<void>;
}

/** Enough for a clinic group's migration; a larger file is split by the user. */
export const MAX_IMPORT_ROWS = 200_000;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
/** CSV text is decoded this many bytes at a time. */
const CSV_CHUNK_BYTES = 64 * 1024;

const isBlank = (row: SheetRow) => !row.cells.some((cell) => cell !== null && String(cell).trim() !== '');

/** The file's content decides its format, not its name: xlsx is a zip, anything else is read as CSV text. */
export async function readSheet(file: Buffer): Promise<SheetReading> {
  if (file.subarray(0, 4).equals(OLE_MAGIC)) {
    throw new AppError('unsupported_media_type', '不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv 后上传');
  }
  const format = file.subarray(0, 4).equals(ZIP_MAGIC) ? 'xlsx' : 'csv';
  const records = format === 'xlsx' ? xlsxRows(file) : csvRows(file);
  const first = await records.next();
  if (first.done) throw new AppError('invalid_value', '文件为空：第 1 行应为表头', { extra: { field: 'file' } });
  const header = first.value.cells.map((cell) => (cell === null ? '' : String(cell)));
  return {
    format,
    header,
    rows: dataRows(records),
    close: async () => {
      await records.return(undefined);
    },
  };
}

async function* dataRows(records: AsyncGenerator<SheetRow>): AsyncGenerator<SheetRow> {
  let count = 0;
  try {
    for (let next = await records.next(); !next.done; next = await records.next()) {
      if (isBlank(next.value)) continue;
      count += 1;
      if (count > MAX_IMPORT_ROWS) {
        throw new AppError('invalid_value', `单次最多导入 ${MAX_IMPORT_ROWS} 行，请拆分文件`, {
          extra: { field: 'file' },
        });
      }
      yield next.value;
    }
  } finally {
    await records.return(undefined);
  }
}

/** UTF-8 (with or without BOM); Excel on Chinese Windows saves CSV as GBK, read as GB18030. */
async function* csvRows(file: Buffer): AsyncGenerator<SheetRow> {
  const decoder = isUtf8(file) ? new TextDecoder('utf-8', { ignoreBOM: false }) : new TextDecoder('gb18030');
  const parser = new CsvParser();
  for (let start = 0; start < file.length; start += CSV_CHUNK_BYTES) {
    yield* parser.push(decoder.decode(file.subarray(start, start + CSV_CHUNK_BYTES), { stream: true }));
  }
  yield* parser.push(decoder.decode(), true);
}

/** The whole of a CSV text at once (tests, small inputs). */
export function readCsv(text: string): SheetRow[] {
  return new CsvParser().push(text, true);
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * RFC 4180, fed text piece by piece: quoted fields may hold commas, quotes ("") and line breaks;
 * CRLF, LF or CR. A quote opens a quoted field only as the field's first character; after the
 * closing quote, characters up to the next comma still belong to the field (as spreadsheet
 * programs read it).
 */
class CsvParser {
  private cells: RawCell[] = [];
  private field = '';
  private quoted = false;
  private fieldStarted = false;
  private records = 0;
  /** The end of the previous piece when it needs the next character to be read: `"` (`""`?) or CR (CRLF?). */
  private pending = '';

  push(piece: string, last = false): SheetRow[] {
    const rows: SheetRow[] = [];
    const text = this.pending + piece;
    const held = !last && text.length > 0 && (text.endsWith('"') || text.endsWith('\r'));
    const end = held ? text.length - 1 : text.length;
    let index = 0;
    while (index < end) {
      if (this.quoted) {
        const quote = text.indexOf('"', index);
        if (quote === -1 || quote >= end) {
          this.field += text.slice(index, end);
          index = end;
        } else if (text.charCodeAt(quote + 1) === QUOTE) {
          this.field += text.slice(index, quote + 1);
          index = quote + 2;
        } else {
          this.field += text.slice(index, quote);
          this.quoted = false;
          index = quote + 1;
        }
        continue;
      }
      const code = text.charCodeAt(index);
      if (code === QUOTE && !this.fieldStarted) {
        this.quoted = true;
        this.fieldStarted = true;
        index += 1;
      } else if (code === COMMA) {
        this.endField();
        index += 1;
      } else if (code === LF || code === CR) {
        index += code === CR && text.charCodeAt(index + 1) === LF ? 2 : 1;
        rows.push(this.endRow());
      } else {
        let stop = index + 1;
        for (; stop < end; stop += 1) {
          const next = text.charCodeAt(stop);
          if (next === COMMA || next === LF || next === CR) break;
        }
        this.field += text.slice(index, stop);
        this.fieldStarted = true;
        index = stop;
      }
    }
    this.pending = text.slice(index);
    if (last && (this.field !== '' || this.cells.length > 0)) rows.push(this.endRow());
    return rows;
  }

  private endField(): void {
    this.cells.push(this.field);
    this.field = '';
    this.fieldStarted = false;
  }

  private endRow(): SheetRow {
    this.endField();
    this.records += 1;
    const row = { line: this.records, cells: this.cells };
    this.cells = [];
    return row;
  }
}

function cellValue(value: unknown): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date)
    return value;
  if (typeof value === 'object') {
    const rich = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(rich.richText)) return rich.richText.map((part) => part.text).join('');
    if ('result' in rich) return cellValue(rich.result);
    if (typeof rich.text === 'string') return rich.text;
    if ('error' in rich) return null;
  }
  return String(value);
}

type Worksheet = AsyncIterable<{ number: number; values: unknown[] }>;

/**
 * The rows of the first worksheet, with exceljs' streaming reader, fed the zip's entries with the
 * worksheets last (see sheetsLast). A read that ends early still runs exceljs to the end (other
 * sheets included, as a full read does): when exceljs did park a sheet in a temporary file, it
 * deletes it only once the sheet was read through.
 */
async function* xlsxRows(file: Buffer): AsyncGenerator<SheetRow> {
  // Loaded on the first xlsx import: the server does not carry exceljs (~10 MB of RSS) from startup.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(sheetsLast(file)), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'ignore',
  });
  const sheets = (reader as unknown as AsyncIterable<Worksheet>)[Symbol.asyncIterator]();
  let rows: AsyncIterator<{ number: number; values: unknown[] }> | undefined;
  let finished = false;
  try {
    for (let sheetIndex = 1; ; sheetIndex += 1) {
      const sheet = await sheets.next();
      if (sheet.done) break;
      rows = sheet.value[Symbol.asyncIterator]();
      for (let row = await rows.next(); !row.done; row = await rows.next()) {
        // xlsx skips empty rows: the header is the first row present, whatever its number.
        if (sheetIndex === 1) yield { line: row.value.number, cells: Array.from(row.value.values.slice(1), cellValue) };
      }
    }
    finished = true;
  } catch (error) {
    finished = true;
    if (error instanceof AppError) throw error;
    throw new AppError('invalid_value', '无法读取 xlsx 文件（文件损坏或不是 Excel 工作簿）', {
      extra: { field: 'file' },
      cause: error,
    });
  } finally {
    if (!finished) await drain(sheets, rows);
  }
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const WORKSHEET = /^xl\/worksheets\/sheet\d+\.xml$/;

/**
 * The zip's bytes as pieces (views, no copy) in an order exceljs' streaming reader reads in one
 * go: Excel (and exceljs) store the worksheets before the shared strings and the styles, and
 * exceljs then parks each worksheet in a temporary file and parses it once the zip was read. That
 * detour peaked 115 MB higher at 100,000 rows (45 MB over the start instead of 160, measured) than
 * parsing the sheet as it is inflated. The zip's central directory gives each entry's place;
 * the entries (local header, data, descriptor) are moved whole. Anything unexpected (zip64, a
 * damaged directory): the file as it is, which exceljs reads the slower way or refuses.
 */
function sheetsLast(zip: Buffer): Buffer[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > zip.length || zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) return [zip];
  const count = zip.readUInt16LE(end + 10);
  const directory = zip.readUInt32LE(end + 16);
  if (directory >= end) return [zip];
  const entries: { name: string; offset: number }[] = [];
  for (let at = directory, index = 0; index < count; index += 1) {
    if (at + 46 > end || zip.readUInt32LE(at) !== CENTRAL_HEADER) return [zip];
    const nameLength = zip.readUInt16LE(at + 28);
    const offset = zip.readUInt32LE(at + 42);
    if (offset >= directory || zip.readUInt32LE(offset) !== LOCAL_HEADER) return [zip];
    entries.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), offset });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  entries.sort((a, b) => a.offset - b.offset);
  if (entries.length === 0 || entries[0]!.offset !== 0) return [zip];
  const pieces = entries.map((entry, index) => ({
    sheet: WORKSHEET.test(entry.name),
    bytes: zip.subarray(entry.offset, entries[index + 1]?.offset ?? directory),
  }));
  return [
    ...pieces.filter((piece) => !piece.sheet),
    ...pieces.filter((piece) => piece.sheet),
    zip.subarray(directory),
  ].map((piece) => (Buffer.isBuffer(piece) ? piece : piece.bytes));
}

async function drain(sheets: AsyncIterator<Worksheet>, rows: AsyncIterator<unknown> | undefined): Promise<void> {
  try {
    if (rows) while (!(await rows.next()).done);
    for (let sheet = await sheets.next(); !sheet.done; sheet = await sheets.next()) {
      const sheetRows = sheet.value[Symbol.asyncIterator]();
      while (!(await sheetRows.next()).done);
    }
  } catch {
    // The read was abandoned anyway; a broken file has nothing left to clean.
  }
}
