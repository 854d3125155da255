import { type Kysely, sql } from 'kysely';
import type { DialectName } from './database.js';

/*
 * The keyword search's indexes as SQL (migrations 0009, 0010 and 0012 explain each step): the
 * pieces several migrations share, and the rebuild that fills them from the patients after a
 * bulk load without triggers (bench/generate.ts, tests). Migrations import this module, never
 * one another; the search itself reads them in src/features/patients/keyword-search.ts.
 */

const SQLITE_POSITIONS = 1000;
export const WATCHED = ['name', 'tel', 'wechat', 'qq'] as const;

/**
 * SQLite: the bigrams (gram, patient_id) of the row `row`: new or old in a trigger, or every
 * row of patients (`from` 'patients r cross join '). json_each turns the four values into rows.
 */
export const sqliteBigramsOf = (row: string, from = '') =>
  `select lower(substr(v.value, p.n, 2)) as gram, ${row}.id as patient_id ` +
  `from ${from}json_each(json_array(${WATCHED.map((column) => `${row}.${column}`).join(', ')})) v ` +
  // cross join fixes the loop order: positions inside, read as a range of its primary key.
  'cross join patient_keyword_positions p on p.n < length(v.value) ' +
  // More bytes than characters: the value has a non-ASCII character (phones and qq never do).
  'where length(cast(v.value as blob)) > length(v.value) ' +
  'and (unicode(substr(v.value, p.n, 1)) > 127 or unicode(substr(v.value, p.n + 1, 1)) > 127)';

/** Creating the tables, filling them from patients (also a rebuild), creating the triggers. */
export interface Statements {
  tables: string[];
  build: string[];
  triggers: string[];
}

export const ftsValues = (row: string) => `${row}.id, ${WATCHED.map((column) => `${row}.${column}`).join(', ')}`;

/** SQLite's keyword index as 0009 created it (0010 returns to it on the way down). */
export function firstSqliteKeywordIndex(): Statements {
  const changed = WATCHED.map((column) => `old.${column} is not new.${column}`).join(' or ');
  const addNew =
    `insert into patient_keyword_fts (rowid, ${WATCHED.join(', ')}) values (${ftsValues('new')}); ` +
    `insert or ignore into patient_keyword_bigrams (gram, patient_id) ${sqliteBigramsOf('new')};`;
  // External content: FTS5 removes a row by the values it indexed, which are the old ones.
  const removeOld =
    `insert into patient_keyword_fts (patient_keyword_fts, rowid, ${WATCHED.join(', ')}) values ('delete', ${ftsValues('old')}); ` +
    `delete from patient_keyword_bigrams where patient_id = old.id and gram in (select gram from (${sqliteBigramsOf('old')}));`;
  return {
    tables: [
      'create table if not exists patient_keyword_positions (n integer primary key)',
      `insert or ignore into patient_keyword_positions (n) with recursive s(n) as (select 1 union all select n + 1 from s where n < ${SQLITE_POSITIONS}) select n from s`,
      'create table if not exists patient_keyword_bigrams (gram text not null, patient_id integer not null, primary key (gram, patient_id)) without rowid',
      // Nothing here ranks or needs positions: no token counts (columnsize=0), rowids only
      // (detail=none, a third of the size; a query ANDs trigrams, LIKE decides).
      `create virtual table if not exists patient_keyword_fts using fts5(${WATCHED.join(', ')}, content='patients', content_rowid='id', tokenize='trigram', columnsize=0, detail='none')`,
    ],
    build: [
      "insert into patient_keyword_fts (patient_keyword_fts) values ('rebuild')",
      'delete from patient_keyword_bigrams',
      `insert or ignore into patient_keyword_bigrams (gram, patient_id) ${sqliteBigramsOf('r', 'patients r cross join ')}`,
    ],
    triggers: [
      `create trigger if not exists patients_keyword_insert after insert on patients for each row begin ${addNew} end`,
      `create trigger if not exists patients_keyword_update after update of ${WATCHED.join(', ')} on patients for each row when ${changed} begin ${removeOld} ${addNew} end`,
      `create trigger if not exists patients_keyword_delete after delete on patients for each row begin ${removeOld} end`,
    ],
  };
}

export async function runAll(executor: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(executor);
}

const FOUR_DIGITS = '[0-9][0-9][0-9][0-9]';

/**
 * The 4-digit runs (gram, add_time, patient_id) of the four fields of `row`: new or old in a
 * trigger, or every row of `from`. A gram is kept as the integer of its four digits (leading
 * zeros do not matter at a fixed length: half the bytes of the text). The first test skips,
 * once per value, the names and ids without such a run.
 */
export const sqliteDigitGramsOf = (row: string, from = '') =>
  `select cast(substr(v.value, p.n, 4) as integer) as gram, ${row}.add_time as add_time, ${row}.id as patient_id ` +
  `from ${from}json_each(json_array(${WATCHED.map((column) => `${row}.${column}`).join(', ')})) v ` +
  `cross join patient_keyword_positions p on p.n <= length(v.value) - 3 ` +
  `where v.value glob '*${FOUR_DIGITS}*' and substr(v.value, p.n, 4) glob '${FOUR_DIGITS}'`;

const LIVE_PATIENTS = '(select * from patients where deleted_at is null) r cross join ';

/** SQLite: the bigram and digit-gram lists filled from the live patients (0010's shape, today's). */
export const SQLITE_GRAM_LISTS_BUILD = [
  'delete from patient_keyword_bigrams',
  'insert or ignore into patient_keyword_bigrams (gram, add_time, patient_id) select b.gram, p.add_time, b.patient_id ' +
    `from (${sqliteBigramsOf('r', LIVE_PATIENTS)}) b join patients p on p.id = b.patient_id`,
  'delete from patient_keyword_digit_grams',
  // In key order: appended to the B-tree instead of inserted all over it.
  `insert or ignore into patient_keyword_digit_grams (gram, add_time, patient_id) ${sqliteDigitGramsOf('r', LIVE_PATIENTS)} order by 1, 2, 3`,
];

/** SQLite: fills every keyword structure from the patients rows (rebuildKeywordSearch). */
export async function rebuildSqliteKeywordSearch(executor: Kysely<any>): Promise<void> {
  await runAll(executor, [
    "insert into patient_keyword_fts (patient_keyword_fts) values ('rebuild')",
    ...SQLITE_GRAM_LISTS_BUILD,
  ]);
}

export const fields = (row: string) => WATCHED.map((column) => `${row}.${column}`).join(', ');

/**
 * The live rows of `rows` (a table or a transition table, aliased r) into both lists; a build
 * inserts in key order, appending to the key instead of inserting all over it.
 */
export const insertGramsOf = (rows: string, inKeyOrder = false) => {
  const order = inKeyOrder ? ' order by g, r.add_time, r.id' : '';
  return [
    `insert into patient_keyword_digit_grams (add_time, gram, patient_id) select r.add_time, g, r.id ` +
      `from ${rows} r cross join unnest(patient_keyword_digit_grams(${fields('r')})) g where r.deleted_at is null${order}`,
    `insert into patient_keyword_bigrams (add_time, patient_id, gram) select r.add_time, r.id, g ` +
      `from ${rows} r cross join unnest(patient_keyword_pairs(${fields('r')})) g where r.deleted_at is null${order}`,
  ];
};

/** The pool's per-statement limit is for requests; a million patients take longer. */
export const POSTGRES_GRAM_LISTS_BUILD = [
  'set local statement_timeout = 0',
  'truncate patient_keyword_digit_grams, patient_keyword_bigrams',
  ...insertGramsOf('patients', true),
];

/**
 * Fills every keyword structure from the patients rows, replacing what they held, after a bulk
 * load that ran without the triggers (bench/generate.ts); in a transaction. PostgreSQL's GIN
 * indexes are ordinary indexes of patients and need nothing.
 */
export async function rebuildKeywordSearch(executor: Kysely<any>, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') return rebuildSqliteKeywordSearch(executor);
  await runAll(executor, POSTGRES_GRAM_LISTS_BUILD);
}
