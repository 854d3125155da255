import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../../db/database.js';
import type { Database, Executor, NewPatientRow, PatientRow } from '../../db/schema.js';
import { filterConditions, type PatientListFilters } from '../../domain/patient-filters.js';
import { type PatientScope, type PhoneVisibility, scopeCondition } from '../../domain/patient-scope.js';
import { isWholePhoneNumber, maskedTel } from '../../domain/phone.js';
import { type ExactKeywordList, exactKeywordList, keywordCondition, keywordNarrows } from './keyword-search.js';

/** Exact values to look for in the duplicate check; any one matching counts. */
export interface DuplicateProbe {
  tel?: string;
  wechat?: string;
  qq?: string;
  name?: string;
}

export interface PatientListPaging {
  page: number;
  pageSize: number;
  sort: 'add_time' | 'order_time' | 'reach_time' | 'id';
  order: 'asc' | 'desc';
}

/**
 * The list's and the export's conditions: the shared filters (domain/patient-filters.ts) and the
 * keyword's search, whose indexes differ per database and whose match on a tel depends on what
 * of it the caller may see (`phones`).
 */
export function patientConditions(
  eb: ExpressionBuilder<Database, 'patients'>,
  filters: PatientListFilters,
  dialect: DialectName,
  phones: PhoneVisibility = 'masked',
): Expression<SqlBool>[] {
  const conditions = filterConditions(eb, filters);
  const keyword = filters.keyword?.trim();
  if (keyword) conditions.push(keywordCondition(eb, keyword, dialect, phones));
  return conditions;
}

type Where = (eb: ExpressionBuilder<Database, 'patients'>) => Expression<SqlBool>;

/**
 * What a list row shows (toWirePatient), not the whole record: decoding a row costs per column
 * in the driver, and the detail-only ones stay behind. SQLite, a page of 20 at 1M: 147 -> 95 µs.
 */
export const LIST_COLUMNS = [
  'id',
  'name',
  'sex',
  'tel',
  'age',
  'wechat',
  'qq',
  'add_time',
  'order_time',
  'reach_time',
  'disease_id',
  'author_id',
  'state',
  'media_from_id',
  'doctor_id',
  'advisory_way',
  'advisory_content',
  'area',
  'remarks',
] as const satisfies readonly (keyof PatientRow)[];
export type PatientListRow = Pick<PatientRow, (typeof LIST_COLUMNS)[number]>;
const listColumns = LIST_COLUMNS.map((column) => `patients.${column}` as const);

const onlyTheKeyword = (filters: PatientListFilters): boolean =>
  Object.entries(filters).every(([name, value]) => name === 'keyword' || value === undefined);

/** The patient pool. Every read takes the caller's scope. */
export class PatientRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  /**
   * The names of a page's consultants (authors), read once for the page: the list rows carry
   * them so that a role without staff:view (the front desk) sees names, not account ids.
   */
  async authorNames(ids: readonly (number | null)[]): Promise<Map<number, string>> {
    const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
    if (wanted.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('staff_users')
      .select(['id', 'username', 'display_name'])
      .where('id', 'in', wanted)
      .execute();
    return new Map(rows.map((row) => [row.id, row.display_name || row.username]));
  }

  async insert(values: NewPatientRow, db: Executor = this.db): Promise<PatientRow> {
    return db.insertInto('patients').values(values).returningAll().executeTakeFirstOrThrow();
  }

  /**
   * `phones`: what of a tel the keyword may match, the caller's (scope.ts). `knownTotal`: the
   * total when the caller has it already (PoolTotals, from the rollup).
   */
  async list(
    scope: PatientScope,
    filters: PatientListFilters,
    paging: PatientListPaging,
    options: { phones?: PhoneVisibility; knownTotal?: number } = {},
  ): Promise<{ rows: PatientListRow[]; total: number }> {
    const { phones = 'masked', knownTotal } = options;
    const where: Where = (eb) =>
      eb.and([scopeCondition(eb, scope), ...patientConditions(eb, filters, this.dialect, phones)]);
    const offset = (paging.page - 1) * paging.pageSize;
    const keyword = filters.keyword?.trim();
    const exact =
      scope.kind === 'all' && keyword && onlyTheKeyword(filters)
        ? exactKeywordList(keyword, this.dialect, phones)
        : undefined;
    if (exact) return this.listExact(exact, paging, offset);
    if (keyword && keywordNarrows(keyword, phones)) return this.listNarrowed(where, paging, offset);
    // The page is chosen on ids and sort keys only, then its rows are read: a filter that
    // matches many patients would otherwise sort all of their whole rows for 20 of them
    // (measured at 1M on SQLite on a last-4-digits search, before it had its own paths:
    // page + total 2.8 -> 2.45 ms).
    const rows = await this.db
      .selectFrom('patients')
      .select(listColumns)
      .where((eb) =>
        eb(
          'patients.id',
          'in',
          eb
            .selectFrom('patients')
            .select('patients.id')
            .where(where)
            .orderBy(paging.sort, paging.order)
            .orderBy('id', paging.order)
            .limit(paging.pageSize)
            .offset(offset),
        ),
      )
      .orderBy(paging.sort, paging.order)
      .orderBy('id', paging.order)
      .execute();
    return { rows, total: knownTotal ?? (await this.count(where)) };
  }

  /**
   * A keyword alone, over the whole pool, that one gram list holds exactly (0010, 0012): the
   * total is that list's length, with no patient row visited (at 1M, a last-4-digits total of
   * ~750 matches: SQLite 0.9 -> 0.08 ms), and the list is kept in add_time order, so is the page.
   */
  private async listExact(
    exact: ExactKeywordList,
    paging: PatientListPaging,
    offset: number,
  ): Promise<{ rows: PatientListRow[]; total: number }> {
    const rows = await this.db
      .selectFrom('patients')
      .select(listColumns)
      .where((eb) =>
        paging.sort === 'add_time'
          ? sql<SqlBool>`${sql.ref('patients.id')} in (${exact.pageByAddTime(paging.order, paging.pageSize, offset)})`
          : eb(
              'patients.id',
              'in',
              eb
                .selectFrom('patients')
                .select('patients.id')
                .where(sql<SqlBool>`${sql.ref('patients.id')} in (${exact.ids})`)
                .orderBy(paging.sort, paging.order)
                .orderBy('id', paging.order)
                .limit(paging.pageSize)
                .offset(offset),
            ),
      )
      .orderBy(paging.sort, paging.order)
      .orderBy('id', paging.order)
      .execute();
    const counted = await this.db
      .selectFrom(sql<{ id: number }>`(${exact.ids})`.as('matches'))
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }

  /**
   * A keyword an index narrows to its matches (hundreds at a million patients, not a scan): the
   * page and the total in one pass over them, where a page query and a count each visited every
   * match (PostgreSQL, last 4 digits at 1M: two bitmap heap scans of 753 rows and two round trips).
   */
  private async listNarrowed(
    where: Where,
    paging: PatientListPaging,
    offset: number,
  ): Promise<{ rows: PatientListRow[]; total: number }> {
    const found = await this.db
      .selectFrom('patients')
      .select(listColumns)
      .select(sql<number | string>`count(*) over ()`.as('matches_in_total'))
      .where(where)
      .orderBy(paging.sort, paging.order)
      .orderBy('id', paging.order)
      .limit(paging.pageSize)
      .offset(offset)
      .execute();
    const rows = found.map(({ matches_in_total: _total, ...row }) => row);
    // Past the last page no row carries the total.
    const total = found.length > 0 ? Number(found[0]!.matches_in_total) : offset === 0 ? 0 : await this.count(where);
    return { rows, total };
  }

  private async count(where: Where): Promise<number> {
    const counted = await this.db
      .selectFrom('patients')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where(where)
      .executeTakeFirstOrThrow();
    return Number(counted.total);
  }

  /** Live records with this exact tel, newest first, within the scope. */
  async idsWithTel(tel: string, scope: PatientScope, db: Executor = this.db): Promise<number[]> {
    const rows = await db
      .selectFrom('patients')
      .select('id')
      .where((eb) => eb.and([scopeCondition(eb, scope), eb('patients.tel', '=', tel)]))
      .orderBy('id', 'desc')
      .limit(20)
      .execute();
    return rows.map((row) => row.id);
  }

  /** The tel shown as `shown` (139****8442): read from the gram list of its last four digits, not a scan. */
  private shownTelEquals(eb: ExpressionBuilder<Database, 'patients'>, shown: string): Expression<SqlBool> {
    const lastFour = shown.slice(-4);
    const list = /^[0-9]{4}$/.test(lastFour) ? exactKeywordList(lastFour, this.dialect, 'full') : undefined;
    const equals = eb(maskedTel, '=', shown);
    return list ? eb.and([sql<SqlBool>`${sql.ref('patients.id')} in (${list.ids})`, equals]) : equals;
  }

  /**
   * Live records in scope matching any of the probe's exact values, newest first. A caller who
   * sees phones masked matches a tel by its whole number (a lookup the service has counted) or by
   * the masked text the list shows, never by anything else of the hidden digits.
   */
  async duplicates(
    probe: DuplicateProbe,
    scope: PatientScope,
    limit: number,
    phones: PhoneVisibility = 'masked',
  ): Promise<{ rows: PatientRow[]; total: number }> {
    const where = (eb: ExpressionBuilder<Database, 'patients'>) => {
      const matches: Expression<SqlBool>[] = [];
      for (const field of ['tel', 'wechat', 'qq', 'name'] as const) {
        const value = probe[field];
        if (value === undefined) continue;
        if (field === 'tel' && phones === 'masked' && !isWholePhoneNumber(value))
          matches.push(this.shownTelEquals(eb, value));
        else matches.push(eb(`patients.${field}`, '=', value));
      }
      return eb.and([scopeCondition(eb, scope), eb.or(matches)]);
    };
    const rows = await this.db
      .selectFrom('patients')
      .selectAll()
      .where(where)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    const counted = await this.db
      .selectFrom('patients')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where(where)
      .executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }
}
