import { Type } from 'typebox';
import type { AuditRepository } from '../../domain/audit.js';
import type { ClinicClock } from '../../domain/clinic-time/clinic-clock.js';
import { patientFiltersOf } from '../../domain/patient-filters.js';
import { phoneVisibilityOf, scopeOf, wireOptionsOf } from '../../domain/patient-scope.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { PhoneLookups } from '../patients/index.js';
import { csvStream, xlsxStream } from './export-format.js';
import type { ExportRepository } from './export-repository.js';
import { CachedDateTimeText } from './export-time.js';
import { ExportQuery } from './schemas.js';

const CONTENT_TYPE = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** Only the filters actually given, for the audit row. */
function filterSummary(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(query).filter(([key, value]) => key !== 'token' && key !== 'format' && value !== undefined),
  );
}

/**
 * Reads the first page before the response starts: a database failure then still answers
 * with a proper error instead of a 200 that breaks off.
 */
async function primed<T>(source: AsyncGenerator<T>): Promise<AsyncGenerator<T>> {
  const first = await source.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* source;
  })();
}

export interface ExportDependencies {
  audit: AuditRepository;
  repository: ExportRepository;
  clock: ClinicClock;
  phoneLookups: PhoneLookups;
}

export function registerExportRoutes(
  app: TypedApp,
  { audit, repository, clock, phoneLookups }: ExportDependencies,
): void {
  app.get('/patient/export', {
    // A HEAD would run the export (and its audit) only to drop the body.
    exposeHeadRoute: false,
    schema: {
      tags: ['staff: patients'],
      summary: 'Export the filtered patient list as CSV or xlsx, streamed',
      description:
        "Takes GET patient/'s filters with the same meaning, plus format=csv|xlsx, and the caller's data scope. Rows come " +
        'in id order, read in keyset pages of 1000 and streamed, so memory stays flat for any row count. Catalog and ' +
        'author names instead of ids; times in the clinic calendar; tel masked without patients:view_full_phone. CSV is ' +
        'UTF-8 with a BOM (Excel) and cells starting with = + - @ get a leading apostrophe. The export is audited ' +
        '(patient.export, with the filters) before the first row is read; the row count is not known then. keyword ' +
        'matches the tel as in GET patient/: without patients:view_full_phone only as shown, or the whole number as a ' +
        'counted, audited lookup (429, 42903, past the daily cap).',
      querystring: ExportQuery,
      response: withErrors(
        'staff',
        {
          200: Type.Unsafe<unknown>({
            type: 'string',
            format: 'binary',
            description: 'the file (text/csv or xlsx), streamed',
          }),
        },
        [400, 401, 403, 429],
      ),
    },
    config: { access: 'patients:export' },
    handler: async (request, reply) => {
      const staff = staffOf(request);
      const scope = scopeOf(staff);
      const query = request.query;
      const options = { ...wireOptionsOf(staff), clock: new CachedDateTimeText(clock) };
      const now = nowSeconds();
      await phoneLookups.reserveKeyword(staff, auditActorOf(request), query.keyword, 'export', now);
      await audit.record(auditActorOf(request), {
        action: 'patient.export',
        targetType: 'patient',
        details: {
          format: query.format,
          filters: filterSummary(query),
          scope: scope.kind,
          phonesMasked: !options.showFullPhone,
        },
      });
      const pages = await primed(repository.pages(scope, patientFiltersOf(query), phoneVisibilityOf(staff)));
      const stamp = clock
        .dateTimeText(now)
        .replace(/[-: ]/g, '')
        .replace(/^(\d{8})/, '$1-');
      const fileName = `patients-${stamp}.${query.format}`;
      reply
        .header('content-type', CONTENT_TYPE[query.format])
        .header(
          'content-disposition',
          `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(`客户池-${stamp}.${query.format}`)}`,
        )
        .header('cache-control', 'no-store');
      if (query.format === 'csv') return reply.send(csvStream(pages, options));
      return reply.send(xlsxStream(pages, options));
    },
  });
}
