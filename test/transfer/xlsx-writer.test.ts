import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type XlsxCell, type XlsxOptions, xlsxBytes } from '../../src/features/patient-transfer/xlsx-writer.js';
import { tableCrc32 } from '../../src/features/patient-transfer/zip-writer.js';
import { checkZipWithOtherReader } from './zip-check.js';

const COLUMNS = [
  { header: '编号', width: 8 },
  { header: '文本', width: 20 },
];

async function* batchesOf(rows: XlsxCell[][], size: number): AsyncGenerator<XlsxCell[][]> {
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

async function workbookBytes(rows: XlsxCell[][], options: XlsxOptions = {}, batchSize = 4): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of xlsxBytes(
    { sheetName: '客户池', columns: COLUMNS, batches: batchesOf(rows, batchSize) },
    options,
  ))
    chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Every sheet's name and its rows as plain values (exceljs' whole-workbook reader). */
async function readBack(bytes: Buffer): Promise<{ name: string; rows: unknown[][] }[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets.map((sheet) => {
    const rows: unknown[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => rows.push(COLUMNS.map((_, index) => row.getCell(index + 1).value)));
    return { name: sheet.name, rows };
  });
}

const numbered = (count: number): XlsxCell[][] =>
  Array.from({ length: count }, (_, index) => [index + 1, `第${index + 1}行`]);

describe('xlsx writer', () => {
  it('keeps text as text: markup escaped, CR/LF, tabs and edge spaces kept, XML-forbidden characters dropped', async () => {
    const texts = [
      'a<b>&c"d\'',
      '行一\r\n行二\t列',
      '  两边空格  ',
      '控制\u0000\u0001\u001f字符\uffff',
      '=SUM(A1:A2)',
      '😀 emoji',
      'x'.repeat(2000),
    ];
    const rows: XlsxCell[][] = texts.map((text, index) => [index, text]);
    rows.push([null, null], [1.5, ''], [-0, '末行']);
    const [sheet] = await readBack(await workbookBytes(rows));
    expect(sheet!.rows[0]).toEqual(['编号', '文本']);
    expect(sheet!.rows.slice(1, texts.length + 1).map((row) => row[1])).toEqual([
      'a<b>&c"d\'',
      '行一\r\n行二\t列',
      '  两边空格  ',
      '控制字符',
      '=SUM(A1:A2)',
      '😀 emoji',
      'x'.repeat(2000),
    ]);
    // An empty string is an empty cell, as in the CSV.
    expect(sheet!.rows.slice(texts.length + 1)).toEqual([
      [null, null],
      [1.5, null],
      [0, '末行'],
    ]);
  });

  it('turns a lone UTF-16 surrogate into U+FFFD instead of writing invalid UTF-8', async () => {
    const [sheet] = await readBack(await workbookBytes([[1, 'a\ud800b']]));
    expect(sheet!.rows[1]).toEqual([1, 'a\ufffdb']);
  });

  it('continues on a new sheet (with its own header) where one sheet is full, and never adds an empty one', async () => {
    const seven = await readBack(await workbookBytes(numbered(7), { rowsPerSheet: 3 }, 2));
    expect(seven.map((sheet) => sheet.name)).toEqual(['客户池', '客户池 (2)', '客户池 (3)']);
    expect(seven.map((sheet) => sheet.rows)).toEqual([
      [
        ['编号', '文本'],
        [1, '第1行'],
        [2, '第2行'],
        [3, '第3行'],
      ],
      [
        ['编号', '文本'],
        [4, '第4行'],
        [5, '第5行'],
        [6, '第6行'],
      ],
      [
        ['编号', '文本'],
        [7, '第7行'],
      ],
    ]);
    const six = await readBack(await workbookBytes(numbered(6), { rowsPerSheet: 3 }, 5));
    expect(six.map((sheet) => sheet.rows.length)).toEqual([4, 4]);
    const none = await readBack(await workbookBytes([]));
    expect(none).toEqual([{ name: '客户池', rows: [['编号', '文本']] }]);
  });

  it('writes ZIP64 records where sizes or offsets need them, which other readers accept', async () => {
    // A threshold of 0 makes every size and offset "large", so every ZIP64 record is written
    // without producing 4 GiB: the same code paths an export past 4 GiB takes.
    const bytes = await workbookBytes(numbered(50), { zip: { zip64Threshold: 0 } });
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true); // ZIP64 end of central directory
    const [sheet] = await readBack(bytes);
    expect(sheet!.rows).toHaveLength(51);
    expect(sheet!.rows[50]).toEqual([50, '第50行']);
    const names = checkZipWithOtherReader(bytes);
    if (names.length > 0) {
      expect(names).toEqual([
        'xl/worksheets/sheet1.xml',
        '[Content_Types].xml',
        '_rels/.rels',
        'xl/workbook.xml',
        'xl/_rels/workbook.xml.rels',
      ]);
    }
    // And without the threshold, a small file is a plain ZIP.
    expect((await workbookBytes(numbered(50))).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false);
  });

  it('reads the next batch only as the bytes are taken, and stops the source when the reader stops', async () => {
    let produced = 0;
    let closed = false;
    // Random text barely compresses, so bytes out track bytes in; a batch is ~14 KB of XML.
    async function* endless(): AsyncGenerator<XlsxCell[][]> {
      try {
        for (;;) {
          produced += 1;
          yield Array.from({ length: 10 }, (_, index) => [index, randomBytes(1000).toString('base64')]);
        }
      } finally {
        closed = true;
      }
    }
    const output = xlsxBytes({ sheetName: '客户池', columns: COLUMNS, batches: endless() });
    let taken = 0;
    const take = async (chunks: number) => {
      for (let index = 0; index < chunks; index += 1) taken += (await output.next()).value!.length;
    };
    await take(3);
    // Read ahead is bounded by the streams' and zlib's buffers (16 KB each), a few batches.
    expect(produced).toBeLessThanOrEqual(8);
    const paused = produced;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(produced).toBe(paused);
    await take(40);
    expect(produced).toBeGreaterThan(paused);
    expect(taken).toBeGreaterThan(40 * 1000);
    await output.return(undefined);
    expect(closed).toBe(true);
  });

  it('passes a failure of the source on to the reader', async () => {
    async function* failing(): AsyncGenerator<XlsxCell[][]> {
      yield numbered(3);
      throw new Error('database went away');
    }
    const drain = async () => {
      for await (const _ of xlsxBytes({ sheetName: '客户池', columns: COLUMNS, batches: failing() }));
    };
    await expect(drain()).rejects.toThrow('database went away');
  });
});

describe('zip writer CRC-32 fallback (Node < 20.15 has no zlib.crc32)', () => {
  it('matches zlib.crc32, also when continued across chunks', () => {
    const first = Buffer.from('客户池 export '.repeat(500));
    const second = Buffer.from([0, 255, 10, 13, 128]);
    expect(tableCrc32(first, 0)).toBe(crc32(first));
    expect(tableCrc32(second, tableCrc32(first, 0))).toBe(crc32(second, crc32(first)));
    expect(tableCrc32(Buffer.alloc(0), 0)).toBe(0);
  });
});
