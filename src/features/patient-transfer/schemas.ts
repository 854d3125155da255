import { type Static, Type } from 'typebox';
import { PatientFilterFields } from '../../domain/patient-filters.js';
import { StaffTokenField } from '../../http/schemas.js';

/** The patient list's filters (GET patient/), same names and meaning, plus the file format. */
export const ExportQuery = Type.Object({
  token: StaffTokenField,
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
  ...PatientFilterFields,
});

export type ExportQueryInput = Static<typeof ExportQuery>;

export const ImportMode = Type.Union([Type.Literal('dry_run'), Type.Literal('commit')]);
export const DuplicatePolicy = Type.Union([Type.Literal('skip'), Type.Literal('update')]);

export const ImportQuery = Type.Object({
  token: StaffTokenField,
  mode: Type.Optional(ImportMode),
  on_duplicate: Type.Optional(DuplicatePolicy),
});

/**
 * The multipart form, for the docs: the handler reads the parts itself (streamed, size-limited);
 * Fastify only sees an empty body here, so every field is optional at this level.
 */
export const ImportFormBody = Type.Object({
  file: Type.Optional(
    Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'the .xlsx or .csv file (at most 20 MB)' }),
  ),
  mode: Type.Optional(ImportMode),
  on_duplicate: Type.Optional(DuplicatePolicy),
});

export const ImportReportSchema = Type.Object({
  mode: ImportMode,
  onDuplicate: DuplicatePolicy,
  committed: Type.Boolean({ description: 'true only when a commit wrote the rows' }),
  totalRows: Type.Integer({ description: 'data rows read (blank rows not counted)' }),
  validRows: Type.Integer(),
  errorCount: Type.Integer({ description: 'problems found; any one refuses a commit' }),
  errors: Type.Array(
    Type.Object({
      line: Type.Integer({ description: 'row number as the spreadsheet shows it (header = 1)' }),
      field: Type.String({ description: "the field's API key (tel, reach_time)" }),
      column: Type.String({ description: 'the column as the template and the export name it (电话, 到诊时间)' }),
      reason: Type.String(),
    }),
    { description: 'every problem, up to 2000 (errorsTruncated tells)' },
  ),
  errorsTruncated: Type.Boolean(),
  duplicates: Type.Array(
    Type.Object({
      line: Type.Integer(),
      tel: Type.String({ description: 'masked without patients:view_full_phone' }),
      source: Type.Union([Type.Literal('file'), Type.Literal('database')]),
      firstLine: Type.Optional(Type.Integer({ description: 'source file: the row that keeps the number' })),
      existingId: Type.Optional(
        Type.String({ description: 'source database: the record, when the caller may see it' }),
      ),
      action: Type.Union([Type.Literal('skip'), Type.Literal('update')]),
    }),
    { description: 'duplicates by tel, up to 2000' },
  ),
  inserted: Type.Integer({ description: 'rows written as new records (dry run: that a commit would write)' }),
  updated: Type.Integer({ description: 'existing records updated (on_duplicate=update)' }),
  skipped: Type.Integer({ description: 'duplicate rows left out' }),
});

export type ImportReport = Static<typeof ImportReportSchema>;
