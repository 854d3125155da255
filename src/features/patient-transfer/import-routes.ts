import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError, invalidField } from '../../http/errors.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { StaffTokenField, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { ImportOptions, ImportService } from './import-service.js';
import { TEMPLATE_FILE_NAME, templateCsv, templateXlsx } from './import-template.js';
import { ImportFormBody, ImportQuery, ImportReportSchema } from './schemas.js';

const MODES = new Set(['dry_run', 'commit']);
const POLICIES = new Set(['skip', 'update']);

/** The one uploaded file and the form fields beside it (before or after the file). */
async function readUpload(request: FastifyRequest): Promise<{ file: Buffer; fields: Record<string, string> }> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', '请以 multipart/form-data 上传文件（字段名 file）');
  }
  let file: Buffer | undefined;
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') file = await part.toBuffer();
    else fields[part.fieldname] = String(part.value);
  }
  if (!file || file.length === 0)
    throw new AppError('parameter_missing', '缺少参数: file（请上传 xlsx 或 csv 文件）', { extra: { field: 'file' } });
  return { file, fields };
}

function optionsOf(query: { mode?: string; on_duplicate?: string }, fields: Record<string, string>): ImportOptions {
  const mode = fields.mode ?? query.mode ?? 'dry_run';
  const onDuplicate = fields.on_duplicate ?? query.on_duplicate ?? 'skip';
  if (!MODES.has(mode)) throw invalidField('mode', '应为 dry_run 或 commit');
  if (!POLICIES.has(onDuplicate)) {
    throw invalidField('on_duplicate', '应为 skip 或 update');
  }
  return { mode: mode as ImportOptions['mode'], onDuplicate: onDuplicate as ImportOptions['onDuplicate'] };
}

const TEMPLATE_CONTENT_TYPE = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export function registerImportRoutes(app: TypedApp, service: ImportService): void {
  app.get('/patient/import/template', {
    schema: {
      tags: ['staff: patients'],
      summary: "The import's template: the header row, as xlsx or CSV",
      description:
        'Needs patients:import. One header row with the columns POST patient/import reads, named as its dry-run report ' +
        'names them (姓名, 电话, 登记时间 ...); required columns are marked * (the import ignores the mark). CSV is UTF-8 ' +
        'with a BOM.',
      querystring: Type.Object({
        token: StaffTokenField,
        format: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')], { default: 'xlsx' }),
      }),
      response: withErrors(
        'staff',
        { 200: Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'the template file' }) },
        [400, 401, 403],
      ),
    },
    config: { access: 'patients:import' },
    handler: async (request, reply) => {
      const { format } = request.query;
      reply
        .header('content-type', TEMPLATE_CONTENT_TYPE[format])
        .header(
          'content-disposition',
          `attachment; filename="patient-import-template.${format}"; filename*=UTF-8''${encodeURIComponent(`${TEMPLATE_FILE_NAME}.${format}`)}`,
        )
        .header('cache-control', 'no-store');
      return reply.send(format === 'csv' ? templateCsv() : templateXlsx());
    },
  });

  app.post('/patient/import', {
    schema: {
      tags: ['staff: patients'],
      summary: 'Import patients from an xlsx or CSV file: dry run, then an all-or-nothing commit',
      description:
        'multipart/form-data with one `file` (xlsx, or CSV in UTF-8 or GBK; at most 20 MB and 200000 rows) and optional ' +
        'fields (or query parameters) mode=dry_run|commit (default dry_run) and on_duplicate=skip|update (default skip). ' +
        'The token goes in the query string or as Bearer (a multipart body is read after authentication). ' +
        'Row 1 is the header, Chinese or English: 姓名/name and 登记时间/add_time required; 电话/tel, 性别/sex (男/女), ' +
        '年龄/age, 微信/wechat, QQ/qq, 状态/state (未到/已到/流失), 来源/channel, 科室/department (to tell apart diseases ' +
        'of the same name), 病种/disease, 医生/doctor, 咨询方式/advisory_way, 咨询内容/advisory_content, 地区/area, ' +
        "备注/remarks, 预约时间/order_time, 到诊时间/reach_time (required for 已到); other columns (an export's ID, 登记人 ...) " +
        'are ignored. Times: "2024-03-01 09:30:00", "2024/3/1", an Excel date cell (clinic time zone) or Unix seconds. ' +
        'Catalog entries by name, active ones only. The dry run reports every problem with its row number and every ' +
        'duplicate by tel (within the file: the first row wins; in the pool: skipped, or with on_duplicate=update the ' +
        "caller's visible record gets the file's non-empty profile fields; never tel, times or state). A commit with " +
        'any problem writes nothing and answers 400 (40001) with `importReport`; otherwise all rows are written in one ' +
        'transaction with the caller as author, audited as patient.import. Imported 已到 rows carry reach_time but no ' +
        "visit history (historic data). Without patients:view_full_phone every distinct phone of the file's valid rows is a " +
        "whole-number lookup (a pool duplicate confirms it), counted against the caller's daily cap before any is looked up " +
        'and audited as patient.phone_lookup: a file with more than the day has left is refused whole with 429 (42903, Retry-After).',
      consumes: ['multipart/form-data'],
      querystring: ImportQuery,
      body: ImportFormBody,
      response: withErrors(
        'staff',
        { 200: Type.Object({ importReport: ImportReportSchema }) },
        [400, 401, 403, 409, 413, 415, 429],
      ),
    },
    config: { access: 'patients:import' },
    handler: async (request) => {
      const staff = staffOf(request);
      const { file, fields } = await readUpload(request);
      const options = optionsOf(request.query, fields);
      const importReport = await service.run(staff, auditActorOf(request), file, options, nowSeconds());
      return { importReport };
    },
  });
}
