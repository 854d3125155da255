import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.js';
import { fields, insertGramsOf, POSTGRES_GRAM_LISTS_BUILD, runAll, WATCHED } from '../keyword-index.js';

/*
 * PostgreSQL keyword search at a million patients, third step (issue 6): SQLite's gram lists of
 * 0010, on PostgreSQL. A phone's last four digits and a two-character name (张云) are each one
 * key of a GIN index (0009, 0010), exactly the patients that contain them, but GIN keeps no
 * add_time and no index-only count: the list request visited every match's heap row for the
 * newest page and for the total. At 1M that is ~750 matches on ~745 heap pages, 1.43 ms per
 * request (pgbench, one client, shared_buffers 2 GB; 1.6 ms at 128 MB) against ~0.25 ms at 10k,
 * and the bench's p99 stayed at 2.7-4.1x its 10k figure on every run.
 *
 * The same two tables as SQLite's, keyed (gram, add_time, patient_id), holding live patients
 * only, so that such a keyword's newest page is the last 20 entries of its list and its total
 * the list's length, read by index-only scans: at 1M the page 0.17 ms and the total 0.16 ms.
 * - patient_keyword_digit_grams: every run of four digits of the four fields, as an integer
 *   (patient_keyword_digit_grams() of 0010 computes them).
 * - patient_keyword_bigrams: every pair of characters with a non-ASCII one, case kept as it
 *   is, since PostgreSQL's LIKE is case-sensitive (the GIN function of the same name lowers
 *   them, to narrow a longer fragment for the LIKE; this table must decide alone).
 *
 * The price is size, more than on SQLite: a PostgreSQL row carries a 24-byte header, and there
 * is a heap beside the key. At 1M, the 9.8M digit grams take 792 MB and the 1.7M bigrams
 * 149 MB, heap and key together: the database grows from 963 MB to 1.9 GB. This migration
 * fills them there in 40 s. Each write of a patient's searchable fields or liveness writes
 * about ten rows more.
 *
 * Triggers keep them exact in the writer's own transaction, whatever the write path: inserts
 * and deletes per statement (an import of 500 rows is one insert), updates per row and only
 * when a field, add_time or liveness changed (a state change does not run them). An update
 * removes every gram of the old values, live or not, so a stray row cannot survive an edit.
 *
 * The GIN indexes stay: a longer number asks two digit grams at once, and a longer non-ASCII
 * fragment up to three bigrams, which they intersect before any row is read.
 */

/** The distinct pairs with a non-ASCII character of the four values, case kept. */
const PAIRS_FUNCTION =
  `create or replace function patient_keyword_pairs(${WATCHED.map((column) => `${column} text`).join(', ')}) returns text[] ` +
  'language sql immutable parallel safe as $$ select array(' +
  `select distinct substr(w.v, i, 2) from (select v from unnest(array[${WATCHED.join(', ')}]) v where v ~ '[^[:ascii:]]') w, ` +
  'generate_series(1, length(w.v) - 1) i where ascii(substr(w.v, i, 1)) > 127 or ascii(substr(w.v, i + 1, 1)) > 127) $$';

/** add_time first: an 8-byte column before two 4-byte ones leaves no padding in the row. */
const TABLES = [
  'create table patient_keyword_digit_grams (add_time bigint not null, gram integer not null, patient_id integer not null)',
  'create table patient_keyword_bigrams (add_time bigint not null, patient_id integer not null, gram text not null)',
];
/** Added after the build: a key built over the filled table is built once, in order. */
const KEYS = [
  'alter table patient_keyword_digit_grams add primary key (gram, add_time, patient_id)',
  'alter table patient_keyword_bigrams add primary key (gram, add_time, patient_id)',
];

const TRIGGER_FUNCTIONS = [
  `create or replace function patients_keyword_lists_insert() returns trigger language plpgsql as $$ begin ` +
    `${insertGramsOf('new_rows').join('; ')}; return null; end $$`,
  `create or replace function patients_keyword_lists_delete() returns trigger language plpgsql as $$ begin ` +
    `delete from patient_keyword_digit_grams d using old_rows o where d.patient_id = o.id and d.add_time = o.add_time ` +
    `and d.gram = any(patient_keyword_digit_grams(${fields('o')})); ` +
    `delete from patient_keyword_bigrams d using old_rows o where d.patient_id = o.id and d.add_time = o.add_time ` +
    `and d.gram = any(patient_keyword_pairs(${fields('o')})); return null; end $$`,
  `create or replace function patients_keyword_lists_update() returns trigger language plpgsql as $$ begin ` +
    `delete from patient_keyword_digit_grams where patient_id = old.id and add_time = old.add_time ` +
    `and gram = any(patient_keyword_digit_grams(${fields('old')})); ` +
    `delete from patient_keyword_bigrams where patient_id = old.id and add_time = old.add_time ` +
    `and gram = any(patient_keyword_pairs(${fields('old')})); ` +
    `if new.deleted_at is null then ` +
    `insert into patient_keyword_digit_grams (add_time, gram, patient_id) select new.add_time, g, new.id from unnest(patient_keyword_digit_grams(${fields('new')})) g; ` +
    `insert into patient_keyword_bigrams (add_time, patient_id, gram) select new.add_time, new.id, g from unnest(patient_keyword_pairs(${fields('new')})) g; ` +
    `end if; return null; end $$`,
];

const changed = [
  ...WATCHED.map((column) => `old.${column} is distinct from new.${column}`),
  'old.add_time is distinct from new.add_time',
  '(old.deleted_at is null) <> (new.deleted_at is null)',
].join(' or ');

const TRIGGERS = [
  'create trigger patients_keyword_lists_insert after insert on patients referencing new table as new_rows for each statement execute function patients_keyword_lists_insert()',
  'create trigger patients_keyword_lists_delete after delete on patients referencing old table as old_rows for each statement execute function patients_keyword_lists_delete()',
  `create trigger patients_keyword_lists_update after update of ${WATCHED.join(', ')}, add_time, deleted_at on patients for each row when (${changed}) execute function patients_keyword_lists_update()`,
];

const DROP = [
  ...['insert', 'delete', 'update'].map(
    (event) => `drop trigger if exists patients_keyword_lists_${event} on patients`,
  ),
  ...['insert', 'delete', 'update'].map((event) => `drop function if exists patients_keyword_lists_${event}()`),
  'drop table if exists patient_keyword_digit_grams',
  'drop table if exists patient_keyword_bigrams',
  'drop function if exists patient_keyword_pairs(text, text, text, text)',
];

export function keywordGramListsMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      // SQLite has had these lists since 0010. PostgreSQL runs a migration in one transaction.
      if (dialect === 'postgres')
        await runAll(db, [
          PAIRS_FUNCTION,
          ...TABLES,
          ...POSTGRES_GRAM_LISTS_BUILD,
          ...KEYS,
          ...TRIGGER_FUNCTIONS,
          ...TRIGGERS,
        ]);
    },
    async down(db: Kysely<any>) {
      if (dialect === 'postgres') await runAll(db, DROP);
    },
  };
}
