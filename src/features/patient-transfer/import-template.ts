import { Readable } from 'node:stream';
import { importColumnName, REQUIRED_IMPORT_FIELDS, TEMPLATE_FIELDS } from './import-rows.js';
import { xlsxBytes } from './xlsx-writer.js';

/**
 * The import's template: one header row with the columns the import reads, named as the dry-run
 * report and the export name them, required ones marked * (the import ignores the mark).
 */
const WIDTHS: Partial<Record<string, number>> = { add_time: 20, order_time: 20, reach_time: 20, remarks: 30 };

export const TEMPLATE_HEADERS: readonly string[] = TEMPLATE_FIELDS.map(
  (field) => `${importColumnName(field)}${REQUIRED_IMPORT_FIELDS.includes(field) ? '*' : ''}`,
);

export const TEMPLATE_FILE_NAME = '客户导入模板';

/** UTF-8 with a byte-order mark, so that Excel on Chinese Windows reads it as UTF-8. */
export function templateCsv(): string {
  return `\uFEFF${TEMPLATE_HEADERS.join(',')}\r\n`;
}

export function templateXlsx(): Readable {
  async function* noRows() {}
  const columns = TEMPLATE_FIELDS.map((field, index) => ({
    header: TEMPLATE_HEADERS[index]!,
    width: WIDTHS[field] ?? 12,
  }));
  return Readable.from(xlsxBytes({ sheetName: TEMPLATE_FILE_NAME, columns, batches: noRows() }), {
    objectMode: false,
  });
}
