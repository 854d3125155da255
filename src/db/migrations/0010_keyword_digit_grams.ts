import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.js';
import { ftsValues, keywordSearchMigration, runAll, sqliteBigramsOf, WATCHED } from './0009_keyword_search.js';

/*
 * SQLite keyword search at a million patients, second step (issue 6). One list request (page +
 * total) on the 1M bench pool, against 0.55-0.7 ms at 10k patients:
 * - a phone's last four digits, 4.8 ms: FTS5 reads two trigram lists of 9-25k rowids, then
 *   visits every candidate row for the LIKE, once for the page and once for the total;
 * - a full phone, 3.4 ms: three such lists;
 * - a two-character name, 1.5 ms: its bigram list is short (330 ids, 0.03 ms), but both the
 *   page and the total visit every matching row.
 * What grows with the pool is how many list entries are read (~80 ns each, in FTS5 or a B-tree)
 * and how many patient rows are visited. So:
 *
 * - patient_keyword_digits: every run of four digits inside the four fields, as a word of a
 *   contentless FTS5 table (rowid = patient id). Four digits (the 尾号 search) read one list:
 *   ~800 ids at a million patients, exactly the patients whose fields contain them. A longer
 *   number ANDs two or three such lists, which leave a row or two for the LIKE. FTS5 keeps a
 *   list in a byte or two per id: a B-tree table (gram, patient_id) of 4- and 8-digit runs was
 *   237 MB at a million patients and took 108 s to build.
 * - It and the bigram table hold live patients only (the list never searches the recycle bin;
 *   a deleted or restored patient leaves or re-enters them). A keyword that is itself a gram
 *   (four digits; two characters, one of them non-ASCII) then finds exactly the patients of its
 *   list, and its total is counted from that list alone, without visiting a patient row.
 *
 * The triggers of 0009 are replaced; FTS5 keeps every row as before. As in 0009, they keep the
 * tables exact in the writer's transaction whatever the write path.
 */

const FOUR_DIGITS = '[0-9][0-9][0-9][0-9]';

/**
 * The 4-digit runs of the four fields of `row` as one text of space-separated tokens (null when
 * there are none), for FTS5 to index as words. The first test skips, once per value, the
 * names and ids without such a run.
 */
const digitGramsText = (row: string) =>
  `(select group_concat(substr(v.value, p.n, 4), ' ') from json_each(json_array(${WATCHED.map((column) => `${row}.${column}`).join(', ')})) v ` +
  `cross join patient_keyword_positions p on p.n <= length(v.value) - 3 ` +
  `where v.value glob '*${FOUR_DIGITS}*' and substr(v.value, p.n, 4) glob '${FOUR_DIGITS}')`;

/** The row of a live patient with digit runs; nothing otherwise. */
const addDigits = (row: string, from: string) =>
  `insert into patient_keyword_digits (rowid, grams) select ${row}.id, ${digitGramsText(row)} as grams ${from} where ${row}.deleted_at is null and grams is not null;`;

/** Only a live row's bigrams are kept, with its add_time. */
const liveNewBigrams = `select gram, new.add_time, patient_id from (${sqliteBigramsOf('new')}) where new.deleted_at is null`;

/** Removal takes every bigram the old values have, live or not: a stray row cannot survive an edit. */
const removeGrams =
  `delete from patient_keyword_bigrams where gram in (select gram from (${sqliteBigramsOf('old')})) and add_time = old.add_time and patient_id = old.id; ` +
  'delete from patient_keyword_digits where rowid = old.id;';
const addGrams = `insert or ignore into patient_keyword_bigrams (gram, add_time, patient_id) ${liveNewBigrams}; ${addDigits('new', '')}`;

const DROP_TRIGGERS = ['insert', 'update', 'delete'].map((event) => `drop trigger if exists patients_keyword_${event}`);

const TABLES = [
  // A bigram's list in add_time order: the newest page of a two-character search is its last
  // 20 entries, where a list by patient id made the page visit every match's row (~1 µs each,
  // 773 matches of 张云 at a million patients).
  'drop table if exists patient_keyword_bigrams',
  'create table patient_keyword_bigrams (gram text not null, add_time integer not null, patient_id integer not null, primary key (gram, add_time, patient_id)) without rowid',
  // Contentless (the tokens are made here, not read from patients), deletable by rowid, and,
  // as 0009's table, without positions: the LIKE decides where the grams do not.
  "create virtual table if not exists patient_keyword_digits using fts5(grams, content='', contentless_delete=1, detail='none')",
];

const BUILD = [
  'delete from patient_keyword_bigrams',
  'insert or ignore into patient_keyword_bigrams (gram, add_time, patient_id) select b.gram, p.add_time, b.patient_id ' +
    `from (${sqliteBigramsOf('r', '(select * from patients where deleted_at is null) r cross join ')}) b join patients p on p.id = b.patient_id`,
  'delete from patient_keyword_digits',
  addDigits('r', 'from patients r'),
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

/**
 * SQLite: fills every keyword structure from the patients rows, replacing what they held, for a
 * bulk load that ran without the triggers (bench/generate.ts); in a transaction. PostgreSQL:
 * nothing to do, its indexes are ordinary indexes of patients.
 */
export async function rebuildKeywordSearch(executor: Kysely<any>, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') await runAll(executor, ["insert into patient_keyword_fts (patient_keyword_fts) values ('rebuild')", ...BUILD]);
}

export function keywordDigitGramsMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      if (dialect === 'postgres') return; // pg_trgm (0007) already answers digit fragments from the index.
      // One transaction, as in 0009: a table without its triggers would go stale.
      await db.transaction().execute((trx) => runAll(trx, [...DROP_TRIGGERS, ...TABLES, ...BUILD, ...CREATE_TRIGGERS]));
    },
    async down(db: Kysely<any>) {
      if (dialect === 'postgres') return;
      await db.transaction().execute(async (trx) => {
        // 0009's bigram table had the key (gram, patient_id).
        await runAll(trx, [...DROP_TRIGGERS, 'drop table if exists patient_keyword_digits', 'drop table if exists patient_keyword_bigrams']);
      });
      // 0009's up creates what is missing (its triggers, its bigram table) and fills the bigrams of every row.
      await keywordSearchMigration(dialect).up(db);
    },
  };
}
