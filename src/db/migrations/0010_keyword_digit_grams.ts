import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.js';
import {
  firstSqliteKeywordIndex,
  ftsValues,
  runAll,
  SQLITE_GRAM_LISTS_BUILD,
  sqliteBigramsOf,
  sqliteDigitGramsOf,
  WATCHED,
} from '../keyword-index.js';

/*
 * SQLite keyword search at a million patients, second step (issue 6). One list request (page +
 * total) on the 1M bench pool, against 0.55-0.7 ms at 10k patients:
 * - a phone's last four digits, 4.8 ms: FTS5 reads two trigram lists of 9-25k rowids, then
 *   visits every candidate row for the LIKE, once for the page and once for the total;
 * - a full phone, 3.4 ms: three such lists;
 * - a two-character name, 1.5 ms: its bigram list is short (330 ids, 0.03 ms), but both the
 *   page and the total visit every matching row.
 * What grows with the pool is how many list entries are read (~80 ns each, in FTS5 or a B-tree)
 * and how many patient rows are visited (~1 µs each). So:
 *
 * - patient_keyword_digit_grams (gram, add_time, patient_id): every run of four digits inside
 *   the four fields. Four digits (the 尾号 search) are one gram: ~750 entries at a million
 *   patients, exactly the patients whose fields contain them. A longer number asks for two
 *   grams, which leave a row or two for the LIKE.
 * - The bigram table gets the same key: (gram, add_time, patient_id).
 * - Both hold live patients only (the list never searches the recycle bin; a deleted or
 *   restored patient leaves or re-enters them). A keyword that is itself one gram (four
 *   digits; two characters, one of them non-ASCII) then finds exactly the patients of its
 *   list: its total is the list's length, and its newest page the list's last 20 entries,
 *   with no patient row visited for either.
 *
 * The price is size: the digit grams are 9.8M entries, 179 MB, at a million patients (the
 * database 540 -> 695 MB), and building both tables there takes about 30 s. A contentless
 * FTS5 table of the same grams was 30 MB, but keeps its lists in patient id order, so a page
 * still visited every match for its add_time (last four digits at 1M: 2.0 -> 0.5 ms per list
 * request with this table).
 *
 * The triggers of 0009 are replaced; FTS5 keeps every row as before. As in 0009, they keep the
 * tables exact in the writer's transaction whatever the write path.
 *
 * PostgreSQL: the same grams as a GIN index over the function patient_keyword_digit_grams(name,
 * tel, wechat, qq) (as 0009's bigrams; 52 MB and 30 s at a million patients). Four digits are
 * one key of it, exactly the patients that contain them, where pg_trgm ORed four columns'
 * trigram lists and rechecked every candidate: at 1M, a last-4-digits page 1.5 -> 0.7 ms and
 * its count 2.5 -> 0.75 ms in PostgreSQL; a full phone's count 1.0 -> 0.2 ms.
 */

/** Only a live row's grams are kept, with its add_time. */
const liveNewBigrams = `select gram, new.add_time, patient_id from (${sqliteBigramsOf('new')}) where new.deleted_at is null`;
const liveNewDigitGrams = `${sqliteDigitGramsOf('new')} and new.deleted_at is null`;

/** Removal takes every gram the old values have, live or not: a stray row cannot survive an edit. */
const removeGrams =
  `delete from patient_keyword_bigrams where gram in (select gram from (${sqliteBigramsOf('old')})) and add_time = old.add_time and patient_id = old.id; ` +
  `delete from patient_keyword_digit_grams where gram in (select gram from (${sqliteDigitGramsOf('old')})) and add_time = old.add_time and patient_id = old.id;`;
const addGrams =
  `insert or ignore into patient_keyword_bigrams (gram, add_time, patient_id) ${liveNewBigrams}; ` +
  `insert or ignore into patient_keyword_digit_grams (gram, add_time, patient_id) ${liveNewDigitGrams};`;

const DROP_TRIGGERS = ['insert', 'update', 'delete'].map((event) => `drop trigger if exists patients_keyword_${event}`);

/** Both lists in add_time order: the newest page of a search that is one gram is its last 20 entries. */
const TABLES = [
  'drop table if exists patient_keyword_bigrams',
  'create table patient_keyword_bigrams (gram text not null, add_time integer not null, patient_id integer not null, primary key (gram, add_time, patient_id)) without rowid',
  'create table if not exists patient_keyword_digit_grams (gram integer not null, add_time integer not null, patient_id integer not null, primary key (gram, add_time, patient_id)) without rowid',
];

const fieldsChanged = WATCHED.map((column) => `old.${column} is not new.${column}`).join(' or ');
const livenessChanged = '(old.deleted_at is null) <> (new.deleted_at is null)';

const CREATE_TRIGGERS = [
  `create trigger patients_keyword_insert after insert on patients for each row begin ` +
    `insert into patient_keyword_fts (rowid, ${WATCHED.join(', ')}) values (${ftsValues('new')}); ${addGrams} end`,
  `create trigger patients_keyword_update after update of ${WATCHED.join(', ')}, deleted_at, add_time on patients for each row ` +
    `when ${fieldsChanged} or ${livenessChanged} or old.add_time is not new.add_time begin ` +
    // External content: FTS5 removes a row by the values it indexed, which are the old ones.
    `insert into patient_keyword_fts (patient_keyword_fts, rowid, ${WATCHED.join(', ')}) select 'delete', ${ftsValues('old')} where ${fieldsChanged}; ` +
    `insert into patient_keyword_fts (rowid, ${WATCHED.join(', ')}) select ${ftsValues('new')} where ${fieldsChanged}; ` +
    `${removeGrams} ${addGrams} end`,
  `create trigger patients_keyword_delete after delete on patients for each row begin ` +
    `insert into patient_keyword_fts (patient_keyword_fts, rowid, ${WATCHED.join(', ')}) values ('delete', ${ftsValues('old')}); ${removeGrams} end`,
];

/** PostgreSQL: the distinct 4-digit runs of the four values, as integers. */
const POSTGRES_DIGIT_GRAMS_FUNCTION =
  `create function patient_keyword_digit_grams(${WATCHED.map((column) => `${column} text`).join(', ')}) returns int[] ` +
  'language sql immutable parallel safe as $$ select array(' +
  `select distinct substr(w.v, i, 4)::int from (select v from unnest(array[${WATCHED.join(', ')}]) v where v ~ '[0-9]{4}') w, ` +
  "generate_series(1, length(w.v) - 3) i where substr(w.v, i, 4) ~ '^[0-9]{4}$') $$";

const POSTGRES_STATEMENTS = [
  POSTGRES_DIGIT_GRAMS_FUNCTION,
  // The pool's per-statement limit is for requests; indexing a million patients takes longer.
  'set local statement_timeout = 0',
  `create index patients_keyword_digit_grams_idx on patients using gin (patient_keyword_digit_grams(${WATCHED.join(', ')}))`,
];

export function keywordDigitGramsMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      if (dialect === 'postgres') return runAll(db, POSTGRES_STATEMENTS);
      // One transaction, as in 0009: a table without its triggers would go stale.
      await db
        .transaction()
        .execute((trx) => runAll(trx, [...DROP_TRIGGERS, ...TABLES, ...SQLITE_GRAM_LISTS_BUILD, ...CREATE_TRIGGERS]));
    },
    async down(db: Kysely<any>) {
      if (dialect === 'postgres') {
        await runAll(db, [
          'drop index if exists patients_keyword_digit_grams_idx',
          'drop function if exists patient_keyword_digit_grams(text, text, text, text)',
        ]);
        return;
      }
      await db.transaction().execute(async (trx) => {
        // 0009's bigram table had the key (gram, patient_id).
        await runAll(trx, [
          ...DROP_TRIGGERS,
          'drop table if exists patient_keyword_digit_grams',
          'drop table if exists patient_keyword_bigrams',
        ]);
      });
      // Back to 0009's shape: it creates what is missing (its triggers, its bigram table) and fills the bigrams of every row.
      const first = firstSqliteKeywordIndex();
      await db.transaction().execute((trx) => runAll(trx, [...first.tables, ...first.build, ...first.triggers]));
    },
  };
}
