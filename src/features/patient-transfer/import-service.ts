import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Transaction } from 'kysely';
import type { Database, Executor } from '../../db/schema.js';
import type { AuditActor } from '../../domain/audit.js';
import type { ClinicClock } from '../../domain/clinic-time/clinic-clock.js';
import { canSeeFullPhone, type PatientScope, scopeOf, unhandledScope } from '../../domain/patient-scope.js';
import { maskPhone } from '../../domain/phone.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { AppError } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import type { PhoneLookups } from '../patients/index.js';
import { readSheet } from './import-reader.js';
import { type ExistingTel, IMPORT_BATCH_SIZE, type ImportRepository } from './import-repository.js';
import {
  type Catalogs,
  type ImportCandidate,
  importColumnName,
  mapColumns,
  type RowProblem,
  validateRow,
} from './import-rows.js';
import type { ImportReport } from './schemas.js';

/** The report lists this many problems and duplicates at most; the counts are always complete. */
const REPORT_LIST_LIMIT = 2000;
const AUDIT_ID_LIMIT = 1000;

export interface ImportOptions {
  mode: 'dry_run' | 'commit';
  onDuplicate: 'skip' | 'update';
}

type Duplicate = ImportReport['duplicates'][number];
/** What one read of the sheet found (and, in the commit's read, wrote): counts complete, lists capped. */
interface Tally {
  format: 'csv' | 'xlsx';
  totalRows: number;
  validRows: number;
  errorCount: number;
  errors: RowProblem[];
  /** Kept apart so that the report lists the file's duplicates first, then the pool's. */
  fileDuplicates: Duplicate[];
  databaseDuplicates: Duplicate[];
  inserted: number;
  updated: number;
  skipped: number;
  updatedIds: number[];
}

interface Pass {
  scope: ImportScope;
  options: ImportOptions;
  catalogs: Catalogs;
  shownTel: (tel: string) => string;
  db: Executor;
  /** Only in the commit's transaction: rows are written there. */
  write: { trx: Transaction<Database>; authorId: number; now: number; pending: ImportCandidate[] } | null;
}

/** Import scopes are the pool or the caller's own: a doctor's scope does not import (importScopeOf). */
type ImportScope = Extract<PatientScope, { kind: 'all' | 'own' }>;

function importScopeOf(staff: StaffPrincipal): ImportScope {
  const scope = scopeOf(staff);
  switch (scope.kind) {
    case 'all':
    case 'own':
      return scope;
    case 'doctor':
      throw new AppError('permission_denied', '医生范围的账号不能导入客户');
    default:
      return unhandledScope(scope);
  }
}

const inScope = (scope: ImportScope, authorId: number | null) => scope.kind === 'all' || authorId === scope.authorId;

const keep = <T>(list: T[], limit: number, ...items: T[]) => {
  for (const item of items) if (list.length < limit) list.push(item);
};

function reportOf(tally: Tally, options: ImportOptions, committed: boolean): ImportReport {
  return {
    mode: options.mode,
    onDuplicate: options.onDuplicate,
    committed,
    totalRows: tally.totalRows,
    validRows: tally.validRows,
    errorCount: tally.errorCount,
    // Named as the template names the column (电话, 到诊时间), not by the API's key (tel, reach_time).
    errors: tally.errors.map((error) => ({ ...error, column: importColumnName(error.field) })),
    errorsTruncated: tally.errorCount > tally.errors.length,
    duplicates: [...tally.fileDuplicates, ...tally.databaseDuplicates].slice(0, REPORT_LIST_LIMIT),
    inserted: tally.inserted,
    updated: tally.updated,
    skipped: tally.skipped,
  };
}

function refusal(tally: Tally, options: ImportOptions): AppError {
  return new AppError('invalid_value', `导入文件有 ${tally.errorCount} 处错误，未写入任何数据，请修正后重新导入`, {
    extra: { field: 'file', importReport: reportOf(tally, options, false) },
  });
}

/**
 * Imports run in two reads of the uploaded file, row by row, so that memory does not grow with
 * the number of rows (only the set of the file's phone numbers does, for duplicates within the
 * file): the first read, outside any transaction, validates every row and looks its duplicates
 * up in the pool batch by batch; that is the dry run's report, and a commit with any problem
 * stops there. Otherwise the second read does the same again inside one transaction and writes
 * each batch as it goes (one multi-row INSERT per batch), so all rows or none are written, and
 * duplicates are decided again where the rows are written. On SQLite that transaction holds the
 * one connection while the second read runs, as any write transaction does: other requests' queries
 * wait for it; between batches they still get the event loop.
 */
export class ImportService {
  constructor(
    private readonly core: CoreServices,
    private readonly repository: ImportRepository,
    private readonly clock: ClinicClock,
    private readonly phoneLookups: PhoneLookups,
  ) {}

  async run(
    staff: StaffPrincipal,
    actor: AuditActor,
    file: Buffer,
    options: ImportOptions,
    now: number,
  ): Promise<ImportReport> {
    const showFullPhone = canSeeFullPhone(staff);
    const base = {
      scope: importScopeOf(staff),
      options,
      catalogs: await this.repository.catalogs(),
      shownTel: (tel: string) => (showFullPhone ? tel : maskPhone(tel)),
    };
    // Each pool duplicate the report (or a commit's counts) shows confirms a whole number: for a
    // caller who sees phones masked, the file's phones are lookups, counted all at once before
    // any is looked up, or the whole file is refused (429).
    if (!showFullPhone)
      await this.phoneLookups.reserve(
        staff,
        actor,
        { purpose: 'import', tels: await this.phonesOf(file, base.catalogs) },
        now,
      );
    const survey = await this.read(file, { ...base, db: this.core.db, write: null });
    if (options.mode === 'dry_run') return reportOf(survey, options, false);
    if (survey.errorCount > 0) throw refusal(survey, options);

    return this.core.db.transaction().execute(async (trx) => {
      const done = await this.read(file, { ...base, db: trx, write: { trx, authorId: staff.id, now, pending: [] } });
      // The same file and catalogs as the first read: a problem now would be a bug, and it still writes nothing.
      if (done.errorCount > 0) throw refusal(done, options);
      const result = reportOf(done, options, true);
      await this.core.audit.record(
        actor,
        {
          action: 'patient.import',
          targetType: 'patient',
          details: {
            format: done.format,
            onDuplicate: options.onDuplicate,
            totalRows: result.totalRows,
            inserted: result.inserted,
            updated: result.updated,
            skipped: result.skipped,
            updatedIds: done.updatedIds,
          },
        },
        trx,
      );
      return result;
    });
  }

  /** The distinct tels of the sheet's valid rows: the ones the reads below look up in the pool. */
  private async phonesOf(file: Buffer, catalogs: Catalogs): Promise<Set<string>> {
    const sheet = await readSheet(file);
    try {
      const columns = mapColumns(sheet.header);
      const tels = new Set<string>();
      let rows = 0;
      for await (const row of sheet.rows) {
        const { candidate } = validateRow(row, columns, catalogs, this.clock);
        if (candidate?.tel) tels.add(candidate.tel);
        // As the reads below do: other requests get the event loop between batches.
        rows += 1;
        if (rows % IMPORT_BATCH_SIZE === 0) await nextTurn();
      }
      return tels;
    } finally {
      await sheet.close();
    }
  }

  /** One read of the sheet: every row validated; a repeated tel within the file keeps its first valid row. */
  private async read(file: Buffer, pass: Pass): Promise<Tally> {
    const sheet = await readSheet(file);
    try {
      const columns = mapColumns(sheet.header);
      const tally: Tally = {
        format: sheet.format,
        totalRows: 0,
        validRows: 0,
        errorCount: 0,
        errors: [],
        fileDuplicates: [],
        databaseDuplicates: [],
        inserted: 0,
        updated: 0,
        skipped: 0,
        updatedIds: [],
      };
      const firstLineByTel = new Map<string, number>();
      let batch: ImportCandidate[] = [];
      for await (const row of sheet.rows) {
        tally.totalRows += 1;
        const { candidate, problems } = validateRow(row, columns, pass.catalogs, this.clock);
        tally.errorCount += problems.length;
        keep(tally.errors, REPORT_LIST_LIMIT, ...problems);
        if (!candidate) continue;
        tally.validRows += 1;
        if (candidate.tel !== null) {
          const firstLine = firstLineByTel.get(candidate.tel);
          if (firstLine !== undefined) {
            keep(tally.fileDuplicates, REPORT_LIST_LIMIT, {
              line: candidate.line,
              tel: pass.shownTel(candidate.tel),
              source: 'file',
              firstLine,
              action: 'skip',
            });
            tally.skipped += 1;
            continue;
          }
          firstLineByTel.set(candidate.tel, candidate.line);
        }
        batch.push(candidate);
        if (batch.length === IMPORT_BATCH_SIZE) {
          await this.settle(batch, tally, pass);
          batch = [];
          // Parsing and validating never wait on I/O (nor does better-sqlite3): let other requests in between batches.
          await nextTurn();
        }
      }
      if (batch.length > 0) await this.settle(batch, tally, pass);
      if (pass.write)
        await this.repository.insertMany(
          pass.write.pending.splice(0),
          pass.write.authorId,
          pass.write.now,
          pass.write.trx,
        );
      return tally;
    } finally {
      await sheet.close();
    }
  }

  /** A batch of rows with distinct tels: each one new, or a duplicate of a pool record (skipped, or updated). */
  private async settle(batch: ImportCandidate[], tally: Tally, pass: Pass): Promise<void> {
    const tels = batch.flatMap((candidate) => (candidate.tel === null ? [] : [candidate.tel]));
    const existingByTel = new Map<string, ExistingTel[]>();
    for (const record of tels.length > 0 ? await this.repository.existingTels(tels, pass.db) : []) {
      existingByTel.set(record.tel, [...(existingByTel.get(record.tel) ?? []), record]);
    }
    for (const candidate of batch) {
      const matches = candidate.tel === null ? undefined : existingByTel.get(candidate.tel);
      if (!matches) {
        tally.inserted += 1;
        pass.write?.pending.push(candidate);
        continue;
      }
      // Only a record the caller may see is named or updated; one outside the scope is reported without its id and skipped.
      const visible = matches.find((record) => inScope(pass.scope, record.authorId));
      const update = pass.options.onDuplicate === 'update' && visible !== undefined;
      keep(tally.databaseDuplicates, REPORT_LIST_LIMIT, {
        line: candidate.line,
        tel: pass.shownTel(candidate.tel!),
        source: 'database',
        ...(visible ? { existingId: String(visible.id) } : {}),
        action: update ? 'update' : 'skip',
      });
      if (!update) {
        tally.skipped += 1;
        continue;
      }
      tally.updated += 1;
      keep(tally.updatedIds, AUDIT_ID_LIMIT, visible.id);
      if (
        pass.write &&
        !(await this.repository.update(visible.id, candidate, pass.write.now, pass.scope, pass.write.trx))
      ) {
        throw new AppError('conflict', `第 ${candidate.line} 行要更新的客户已被删除，请重新导入`);
      }
    }
    // New rows go out IMPORT_BATCH_SIZE at a time (duplicates make batches' counts uneven), in the file's order.
    while (pass.write && pass.write.pending.length >= IMPORT_BATCH_SIZE) {
      await this.repository.insertMany(
        pass.write.pending.splice(0, IMPORT_BATCH_SIZE),
        pass.write.authorId,
        pass.write.now,
        pass.write.trx,
      );
    }
  }
}
