import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DialectName } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { PatientListFilters } from '../../domain/patient-filters.js';
import { type PatientScope, type PhoneVisibility, scopeCondition } from '../../domain/patient-scope.js';
import { patientConditions } from '../patients/index.js';

/** One exported record: the pool row with catalog and author names instead of ids. */
export interface ExportRecord {
  id: number;
  name: string;
  sex: number | null;
  age: number | null;
  tel: string | null;
  wechat: string | null;
  qq: string | null;
  add_time: number;
  order_time: number | null;
  reach_time: number | null;
  state: number;
  channel_name: string | null;
  department_name: string | null;
  disease_name: string | null;
  doctor_name: string | null;
  advisory_way: string | null;
  advisory_content: string | null;
  area: string | null;
  remarks: string | null;
  author_name: string | null;
  visit_count: number;
  spend_fen: number;
}

export const EXPORT_BATCH_SIZE = 1000;

/**
 * Reads the filtered, scoped pool in id order, one keyset page at a time: each page starts
 * after the last id of the one before, so the millionth row costs what the first did and
 * only one page is ever in memory.
 */
export class ExportRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  /** `phones`: what of a tel the keyword may match, the caller's (patients/scope.ts), as in the list. */
  async *pages(
    scope: PatientScope,
    filters: PatientListFilters,
    phones: PhoneVisibility = 'masked',
    pageSize = EXPORT_BATCH_SIZE,
  ): AsyncGenerator<ExportRecord[]> {
    let afterId = 0;
    for (;;) {
      const page = await this.page(scope, filters, phones, afterId, pageSize);
      if (page.length === 0) return;
      yield page;
      if (page.length < pageSize) return;
      afterId = page[page.length - 1]!.id;
      // better-sqlite3 answers synchronously and a fast client's socket takes each write at
      // once, so without this the whole export would run as one chain of microtasks: no
      // other request, timer or V8 housekeeping task would get a turn until it ended.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private page(
    scope: PatientScope,
    filters: PatientListFilters,
    phones: PhoneVisibility,
    afterId: number,
    pageSize: number,
  ): Promise<ExportRecord[]> {
    return (
      this.db
        .selectFrom('patients')
        // The filter is applied before the joins so it is typed (and indexed) on patients alone.
        .where((eb: ExpressionBuilder<Database, 'patients'>) =>
          eb.and([
            scopeCondition(eb, scope),
            ...patientConditions(eb, filters, this.dialect, phones),
            eb('patients.id', '>', afterId),
          ]),
        )
        .leftJoin('channels', 'channels.id', 'patients.media_from_id')
        .leftJoin('diseases', 'diseases.id', 'patients.disease_id')
        .leftJoin('departments', 'departments.id', 'diseases.department_id')
        .leftJoin('doctors', 'doctors.id', 'patients.doctor_id')
        .leftJoin('staff_users', 'staff_users.id', 'patients.author_id')
        .select([
          'patients.id',
          'patients.name',
          'patients.sex',
          'patients.age',
          'patients.tel',
          'patients.wechat',
          'patients.qq',
          'patients.add_time',
          'patients.order_time',
          'patients.reach_time',
          'patients.state',
          'channels.name as channel_name',
          'departments.name as department_name',
          'diseases.name as disease_name',
          'doctors.name as doctor_name',
          'patients.advisory_way',
          'patients.advisory_content',
          'patients.area',
          'patients.remarks',
          'staff_users.display_name as author_name',
          'patients.visit_count',
          'patients.spend_fen',
        ])
        .orderBy('patients.id', 'asc')
        .limit(pageSize)
        .execute()
    );
  }
}
