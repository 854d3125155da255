import type { Kysely, Transaction } from 'kysely';
import type { Database, NewPatientRow, PatientUpdate } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import type { StaffPrincipal } from '../../http/request-context.js';
import type { CoreServices } from '../../services.js';
import type { AuditActor } from '../audit/audit-repository.js';
import { canSeeFullPhone, type PatientScope, scopeOf } from '../patients/scope.js';
import { maskPhone } from '../patients/wire.js';
import type { ClinicClock } from '../statistics/clinic-clock.js';
import { readSheet } from './import-reader.js';
import type { ImportRepository } from './import-repository.js';
import { type ImportCandidate, mapColumns, type RowProblem, validateRow } from './import-rows.js';
import type { ImportReport } from './schemas.js';

/** The report lists this many problems and duplicates at most; the counts are always complete. */
const REPORT_LIST_LIMIT = 2000;
const AUDIT_ID_LIMIT = 1000;

export interface ImportOptions {
  mode: 'dry_run' | 'commit';
  onDuplicate: 'skip' | 'update';
}

type Duplicate = ImportReport['duplicates'][number];

interface Plan {
  inserts: ImportCandidate[];
  updates: { id: number; candidate: ImportCandidate }[];
  duplicates: Duplicate[];
  skipped: number;
}

const inScope = (scope: PatientScope, authorId: number | null) => scope.kind === 'all' || authorId === scope.authorId;

/** What an update by import may change: profile fields given in the file; never tel, times or state. */
function updateOf(candidate: ImportCandidate, now: number): PatientUpdate {
  const changes: PatientUpdate = { updated_at: now };
  for (const field of ['name', 'sex', 'age', 'wechat', 'qq', 'media_from_id', 'disease_id', 'doctor_id', 'advisory_way', 'advisory_content', 'area', 'remarks'] as const) {
    const value = candidate[field];
    if (value !== null) (changes as Record<string, unknown>)[field] = value;
  }
  return changes;
}

export class ImportService {
  constructor(
    private readonly core: CoreServices,
    private readonly repository: ImportRepository,
    private readonly clock: ClinicClock,
  ) {}

  async run(staff: StaffPrincipal, actor: AuditActor, file: Buffer, options: ImportOptions, now: number): Promise<ImportReport> {
    const scope = scopeOf(staff);
    const sheet = await readSheet(file);
    const columns = mapColumns(sheet.header);
    const catalogs = await this.repository.catalogs();
    const problems: RowProblem[] = [];
    const candidates: ImportCandidate[] = [];
    for (const row of sheet.rows) {
      const checked = validateRow(row, columns, catalogs, this.clock);
      problems.push(...checked.problems);
      if (checked.candidate) candidates.push(checked.candidate);
    }
    const report = (plan: Plan, committed: boolean): ImportReport => ({
      mode: options.mode,
      onDuplicate: options.onDuplicate,
      committed,
      totalRows: sheet.rows.length,
      validRows: candidates.length,
      errorCount: problems.length,
      errors: problems.slice(0, REPORT_LIST_LIMIT),
      errorsTruncated: problems.length > REPORT_LIST_LIMIT,
      duplicates: plan.duplicates.slice(0, REPORT_LIST_LIMIT),
      inserted: plan.inserts.length,
      updated: plan.updates.length,
      skipped: plan.skipped,
    });
    const showFullPhone = canSeeFullPhone(staff);

    if (options.mode === 'dry_run' || problems.length > 0) {
      const plan = await this.plan(candidates, scope, options, showFullPhone, this.core.db);
      if (options.mode === 'dry_run') return report(plan, false);
      throw new AppError('invalid_value', `导入文件有 ${problems.length} 处错误，未写入任何数据，请修正后重新导入`, {
        extra: { field: 'file', importReport: report(plan, false) },
      });
    }

    // All or nothing: duplicates are decided again inside the transaction that writes.
    return this.core.db.transaction().execute(async (trx) => {
      const plan = await this.plan(candidates, scope, options, showFullPhone, trx);
      await this.repository.insertMany(
        plan.inserts.map(({ line: _line, ...values }): NewPatientRow => ({ ...values, author_id: staff.id, created_at: now, updated_at: now })),
        trx,
      );
      for (const update of plan.updates) {
        if (!(await this.repository.update(update.id, updateOf(update.candidate, now), scope, trx))) {
          throw new AppError('conflict', `第 ${update.candidate.line} 行要更新的客户已被删除，请重新导入`);
        }
      }
      const result = report(plan, true);
      await this.core.audit.record(
        actor,
        {
          action: 'patient.import',
          targetType: 'patient',
          details: {
            format: sheet.format,
            onDuplicate: options.onDuplicate,
            totalRows: result.totalRows,
            inserted: result.inserted,
            updated: result.updated,
            skipped: result.skipped,
            updatedIds: plan.updates.slice(0, AUDIT_ID_LIMIT).map((update) => update.id),
          },
        },
        trx,
      );
      return result;
    });
  }

  /** Duplicates by tel: a repeat within the file keeps its first row; one in the pool is skipped or updated. */
  private async plan(
    candidates: ImportCandidate[],
    scope: PatientScope,
    options: ImportOptions,
    showFullPhone: boolean,
    db: Kysely<Database> | Transaction<Database>,
  ): Promise<Plan> {
    const shownTel = (tel: string) => (showFullPhone ? tel : maskPhone(tel));
    const plan: Plan = { inserts: [], updates: [], duplicates: [], skipped: 0 };
    const firstLineByTel = new Map<string, number>();
    const unique: ImportCandidate[] = [];
    for (const candidate of candidates) {
      const firstLine = candidate.tel === null ? undefined : firstLineByTel.get(candidate.tel);
      if (candidate.tel !== null && firstLine !== undefined) {
        plan.duplicates.push({ line: candidate.line, tel: shownTel(candidate.tel), source: 'file', firstLine, action: 'skip' });
        plan.skipped += 1;
        continue;
      }
      if (candidate.tel !== null) firstLineByTel.set(candidate.tel, candidate.line);
      unique.push(candidate);
    }
    const existing = await this.repository.existingTels([...firstLineByTel.keys()], db);
    const existingByTel = new Map<string, typeof existing>();
    for (const record of existing) existingByTel.set(record.tel, [...(existingByTel.get(record.tel) ?? []), record]);
    for (const candidate of unique) {
      const matches = candidate.tel === null ? undefined : existingByTel.get(candidate.tel);
      if (!matches) {
        plan.inserts.push(candidate);
        continue;
      }
      // Only a record the caller may see is named or updated; one outside the scope is reported without its id and skipped.
      const visible = matches.find((record) => inScope(scope, record.authorId));
      const update = options.onDuplicate === 'update' && visible !== undefined;
      plan.duplicates.push({
        line: candidate.line,
        tel: shownTel(candidate.tel!),
        source: 'database',
        ...(visible ? { existingId: String(visible.id) } : {}),
        action: update ? 'update' : 'skip',
      });
      if (update) plan.updates.push({ id: visible.id, candidate });
      else plan.skipped += 1;
    }
    return plan;
  }
}
