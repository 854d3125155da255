import { type ZipEntry, type ZipOptions, zipStream } from './zip-writer.js';

/*
 * A streaming xlsx (SpreadsheetML) writer for one table: strings are inline (t="inlineStr",
 * no shared-string table to hold in memory), numbers are numbers, nothing is a formula.
 * Rows arrive in batches and leave as deflated ZIP bytes only as fast as the consumer
 * reads them: memory holds about one batch plus zlib's buffers, whatever the row count.
 * Not exceljs' streaming writer (the import reads with exceljs): with its backpressure restored
 * it still took 1.5x the time and 357 MB against 207 MB on 1M rows (bench/README.md, Exports).
 */

export type XlsxCell = string | number | null;

export interface XlsxColumn {
  header: string;
  /** In characters, as Excel measures column width. */
  width: number;
}

export interface XlsxTable {
  sheetName: string;
  columns: readonly XlsxColumn[];
  /** Data rows (no header), in batches; a row has one cell per column, null for empty. */
  batches: AsyncIterable<XlsxCell[][]>;
}

export interface XlsxOptions {
  /** Data rows per worksheet before the next one starts; Excel shows at most 1,048,576 rows including the header. */
  rowsPerSheet?: number;
  zip?: ZipOptions;
}

export const EXCEL_MAX_DATA_ROWS = 1_048_575;
/** Excel refuses a workbook with a longer cell; the longest patient text (2000) is far below. */
const EXCEL_MAX_CELL_CHARS = 32_767;

/**
 * XML is handed on in pieces of about this many characters: a whole batch in one string
 * (a few hundred KB) would be a "large object" that V8 keeps in the old generation until
 * a full GC (see ROWS_PER_CHUNK in export-format.ts for what that cost the CSV).
 */
const CHUNK_CHARS = 16_384;

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** Most cells need none of the replacements below: one test instead of two. */
const NEEDS_ESCAPE = /[\x00-\x08\x0B\x0C\x0E-\x1F&<>\r\uFFFE\uFFFF]/;
/** Characters XML 1.0 does not allow at all (C0 controls but tab, LF, CR; U+FFFE, U+FFFF): dropped. */
const XML_FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
const XML_SPECIAL = /[&<>\r]/g;
const XML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/**
 * Text as XML character data. A carriage return is written as a reference, else an XML
 * parser would turn CR LF into LF. Lone UTF-16 surrogates become U+FFFD when encoded.
 */
function xmlText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(XML_FORBIDDEN, '').replace(XML_SPECIAL, (char) => XML_ENTITY[char]!);
}

const attribute = (text: string): string => xmlText(text).replace(/"/g, '&quot;');

/** A, B, ... Z, AA, AB, ... */
function columnLetters(index: number): string {
  let letters = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26))
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return letters;
}

function cellXml(reference: string, value: XlsxCell): string {
  if (value === null || value === '') return '';
  if (typeof value === 'number' && Number.isFinite(value)) return `<c r="${reference}"><v>${value}</v></c>`;
  const text = String(value).slice(0, EXCEL_MAX_CELL_CHARS);
  // Leading/trailing space or a line break: tell the reader not to trim (as Excel writes it).
  const space = /^\s|\n|\s$/.test(text) ? ' xml:space="preserve"' : '';
  return `<c r="${reference}" t="inlineStr"><is><t${space}>${xmlText(text)}</t></is></c>`;
}

function rowXml(letters: readonly string[], rowNumber: number, cells: readonly XlsxCell[]): string {
  let xml = `<row r="${rowNumber}">`;
  for (let index = 0; index < letters.length; index += 1)
    xml += cellXml(`${letters[index]}${rowNumber}`, cells[index] ?? null);
  return `${xml}</row>`;
}

function sheetStart(columns: readonly XlsxColumn[]): string {
  const widths = columns.map(
    (column, index) => `<col min="${index + 1}" max="${index + 1}" width="${column.width}" customWidth="1"/>`,
  );
  return (
    `${XML_DECLARATION}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    // The header row stays in view while scrolling.
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    `<cols>${widths.join('')}</cols><sheetData>`
  );
}
const SHEET_END = '</sheetData></worksheet>';

/** The package parts around the worksheets; written last, once the sheet count is known. */
function packageParts(sheetNames: readonly string[]): ZipEntry[] {
  const numbers = sheetNames.map((_, index) => index + 1);
  const part = (name: string, xml: string): ZipEntry => ({
    name,
    content: [Buffer.from(XML_DECLARATION + xml, 'utf8')],
  });
  return [
    part(
      '[Content_Types].xml',
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        numbers
          .map(
            (n) =>
              `<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
          )
          .join('') +
        '</Types>',
    ),
    part(
      '_rels/.rels',
      `<Relationships xmlns="${PACKAGE_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    part(
      'xl/workbook.xml',
      `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><bookViews><workbookView/></bookViews><sheets>` +
        sheetNames
          .map((name, index) => `<sheet name="${attribute(name)}" sheetId="${index + 1}" r:id="rId${index + 1}"/>`)
          .join('') +
        '</sheets></workbook>',
    ),
    part(
      'xl/_rels/workbook.xml.rels',
      `<Relationships xmlns="${PACKAGE_REL_NS}">` +
        numbers
          .map((n) => `<Relationship Id="rId${n}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${n}.xml"/>`)
          .join('') +
        '</Relationships>',
    ),
  ];
}

/** "客户池", then "客户池 (2)", ... for rows past one sheet's limit. */
const sheetNameFor = (base: string, number: number): string => (number === 1 ? base : `${base} (${number})`);

/** The workbook's bytes (a ZIP), streamed. A table longer than a sheet continues on the next one. */
export function xlsxBytes(table: XlsxTable, options: XlsxOptions = {}): AsyncGenerator<Buffer> {
  const rowsPerSheet = options.rowsPerSheet ?? EXCEL_MAX_DATA_ROWS;
  const letters = table.columns.map((_, index) => columnLetters(index));
  const header = table.columns.map((column) => column.header);
  const batches = table.batches[Symbol.asyncIterator]();
  /** Rows read but not yet written: the rest of a batch that filled a sheet. */
  let pending: XlsxCell[][] = [];
  const hasMoreRows = async (): Promise<boolean> => {
    while (pending.length === 0) {
      const next = await batches.next();
      if (next.done) return false;
      pending = next.value;
    }
    return true;
  };

  async function* sheetXml(): AsyncGenerator<Buffer> {
    yield Buffer.from(sheetStart(table.columns) + rowXml(letters, 1, header), 'utf8');
    let written = 0;
    while (written < rowsPerSheet && (await hasMoreRows())) {
      const rows = pending.slice(0, rowsPerSheet - written);
      pending = pending.slice(rows.length);
      let xml = '';
      for (const row of rows) {
        xml += rowXml(letters, written++ + 2, row);
        if (xml.length >= CHUNK_CHARS) {
          yield Buffer.from(xml, 'utf8');
          xml = '';
        }
      }
      if (xml.length > 0) yield Buffer.from(xml, 'utf8');
    }
    yield Buffer.from(SHEET_END, 'utf8');
  }

  async function* entries(): AsyncGenerator<ZipEntry> {
    const names: string[] = [];
    try {
      do {
        names.push(sheetNameFor(table.sheetName, names.length + 1));
        yield { name: `xl/worksheets/sheet${names.length}.xml`, content: sheetXml() };
      } while (await hasMoreRows());
    } finally {
      // Stops the row source too when the download is abandoned part way.
      await batches.return?.();
    }
    yield* packageParts(names);
  }

  return zipStream(entries(), options.zip);
}
