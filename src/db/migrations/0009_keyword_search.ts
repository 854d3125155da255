import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.js';
import { firstSqliteKeywordIndex, runAll, WATCHED } from '../keyword-index.js';

/*
 * Indexes for the patient list's keyword (issue 6): a keyword matches when it is contained in
 * name, tel, wechat or qq (`like '%…%'`), which is a full scan without them (~0.5 s at a
 * million patients). The LIKE itself stays the condition that decides; these only narrow the
 * rows it is checked on (src/features/patients/keyword-search.ts), so every structure may
 * over-match but must never miss a row.
 *
 * Bigrams, for fragments with a non-ASCII character: every two-character fragment of the four
 * fields that contains a non-ASCII character, lower-cased (SQLite's LIKE folds ASCII case;
 * PostgreSQL's does not, and its LIKE drops what lower() over-matches). A surname and one
 * character of the given name (张云) is the most common search, and no trigram index can answer
 * a two-character fragment. ASCII-only pairs are left out: any two digits occur in a tenth of
 * all phones (`wx` in a third of the wechat ids), an index would not narrow such a search, and
 * it would be five times larger.
 * - SQLite: the table patient_keyword_bigrams (gram, patient_id), kept by triggers.
 * - PostgreSQL: a GIN index over the function patient_keyword_bigrams(name, tel, wechat, qq),
 *   kept by PostgreSQL itself (8.5 MB at a million patients; a side table kept by triggers was
 *   123 MB and half as fast: its rows are fetched one by one, the index's as a bitmap). It also
 *   serves longer non-ASCII fragments: pg_trgm skips non-ASCII characters in a database whose
 *   lc_ctype is C, bigrams do not depend on the locale.
 *
 * Trigrams, for fragments of three or more characters of any field:
 * - SQLite: patient_keyword_fts, an FTS5 trigram table over the four fields with patients as
 *   its external content (no copy of the text), kept by the same triggers.
 * - PostgreSQL: the pg_trgm GIN indexes of 0007.
 *
 * SQLite's triggers keep both structures exact in the writer's own transaction, whatever the
 * write path (registration, edits, portal profile, imports, purge, raw SQL). A bulk load may
 * drop them and call rebuildKeywordSearch afterwards (bench/generate.ts).
 *
 * 0010 replaces the SQLite triggers and the bigram table (live patients only, in add_time
 * order) and adds a table of digit grams; 0012 gives PostgreSQL both tables and holds
 * rebuildKeywordSearch.
 */

/**
 * SQLite triggers cannot use a recursive CTE, so character positions come from a table. The
 * write paths accept at most 50 characters in these fields; this covers twenty times that.
 */
/** PostgreSQL: the bigrams of a patient's four values, as an array a GIN index can hold. */
const POSTGRES_BIGRAMS_FUNCTION =
  `create function patient_keyword_bigrams(${WATCHED.map((column) => `${column} text`).join(', ')}) returns text[] ` +
  'language sql immutable parallel safe as $$ select array(' +
  // Values without a non-ASCII character (phones, qq) are skipped whole.
  `select distinct lower(substr(w.v, i, 2)) from (select v from unnest(array[${WATCHED.join(', ')}]) v where v ~ '[^[:ascii:]]') w, ` +
  'generate_series(1, length(w.v) - 1) i where ascii(substr(w.v, i, 1)) > 127 or ascii(substr(w.v, i + 1, 1)) > 127) $$';

const POSTGRES_STATEMENTS = [
  POSTGRES_BIGRAMS_FUNCTION,
  // The pool's per-statement limit is for requests; indexing a million patients takes longer.
  'set local statement_timeout = 0',
  `create index patients_keyword_bigrams_idx on patients using gin (patient_keyword_bigrams(${WATCHED.join(', ')}))`,
];

export function keywordSearchMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      if (dialect === 'postgres') return runAll(db, POSTGRES_STATEMENTS);
      const statements = firstSqliteKeywordIndex();
      // PostgreSQL runs each migration in a transaction; SQLite's migrator does not, and the
      // build must not stop half-way (a table without its triggers would go stale). The
      // statements may also run twice (a crash after this commit, before the migration is
      // recorded): they create only what is missing and the build starts from empty.
      await db
        .transaction()
        .execute((trx) => runAll(trx, [...statements.tables, ...statements.build, ...statements.triggers]));
    },
    async down(db: Kysely<any>) {
      if (dialect === 'postgres') {
        await db.schema.dropIndex('patients_keyword_bigrams_idx').ifExists().execute();
        await sql`drop function if exists patient_keyword_bigrams(text, text, text, text)`.execute(db);
        return;
      }
      for (const event of ['insert', 'update', 'delete'])
        await sql.raw(`drop trigger if exists patients_keyword_${event}`).execute(db);
      for (const table of ['patient_keyword_fts', 'patient_keyword_bigrams', 'patient_keyword_positions'])
        await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
