import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { PhoneVisibility } from '../../domain/patient-scope.js';
import { isWholePhoneNumber, maskedTel } from '../../domain/phone.js';
import { likeContains } from '../../domain/sql.js';

/*
 * The list's keyword: a patient matches when the keyword is contained in name, tel, wechat or
 * qq, compared as LIKE compares (SQLite folds ASCII case, PostgreSQL is case-sensitive). That
 * LIKE stays the condition; the indexes of migration 0009 (and pg_trgm from 0007) add
 * conditions that narrow the rows it is checked on. They may over-match (case folding,
 * trigrams found apart), never miss, so the answer is the same with or without them.
 *
 *   keyword (characters)             SQLite                      PostgreSQL
 *   4 digits                         digit gram table (0010)     digit gram table (0012)
 *   5+ digits                        digit gram table (0010)     4-digit grams (GIN, 0010)
 *   3+ with a non-ASCII character    FTS5 trigrams               bigrams (GIN)
 *   3+ ASCII                         FTS5 trigrams               pg_trgm (GIN, 0007)
 *   2 with a non-ASCII character     bigram table (0010)         bigram table (0012)
 *   2 ASCII, or 1                    scan                        scan
 *
 * A scan is left only where an index would not narrow much: one character, or two digits or
 * letters (any two digits occur in about a tenth of all phones).
 *
 * Four digits and a two-character fragment with a non-ASCII character are each one gram of a
 * table that holds exactly the live patients containing it, on both databases: that list
 * alone is the answer, no LIKE is needed, and the list's total is counted from it
 * (exactKeywordList). SQLite's bigrams are lower-cased, as its LIKE folds ASCII case;
 * PostgreSQL's keep their case, as its LIKE does.
 *
 * A caller who sees phones masked (PhoneVisibility 'masked', the default) searches the tel only
 * as it is shown, 138****5678, or by a whole number, equal to the tel (a lookup the service has
 * counted): a part of the hidden digits would otherwise answer whether a guessed prefix is right
 * (issue 14). name, wechat and qq are shown, and searched as above. The same indexes still
 * choose the rows: they hold a superset of what the shown text matches (a keyword without an
 * asterisk lies in the tel's shown digits, so the tel holds it; one with an asterisk holds the
 * shown last four in its longest run of 4+ digits), and the shown-text condition decides. So
 * four digits read their gram list (hundreds of rows at a million patients) and filter it, where
 * the list alone would count every tel that holds them anywhere. A keyword with an asterisk and no
 * run of four digits (139****) is a scan. Two characters with a non-ASCII one stay exact: a tel
 * is always a mobile number (every write path checks it), so it never holds such a pair.
 */

const KEYWORD_COLUMNS = ['name', 'tel', 'wechat', 'qq'] as const;
/** PostgreSQL: a longer fragment's first few non-ASCII bigrams already narrow to a handful of rows. */
const MAX_BIGRAMS = 3;

const isWide = (character: string): boolean => character.codePointAt(0)! > 0x7f;

const likeAny = (columns: readonly (typeof KEYWORD_COLUMNS)[number][], text: string) =>
  columns.map((column) => sql<SqlBool>`${sql.ref(`patients.${column}`)} like ${likeContains(text)} escape '\\'`);

/**
 * The trigrams an index is asked for, for a fragment of 3+ characters. Up to five characters:
 * all of them. Longer: three that do not overlap, from the end. A trigram costs what its list of
 * rows costs to read, and an identifier's first ones are the common ones (a phone's 13x, a
 * wechat id's wx): a phone's last nine digits narrow to a row or two, at a third of the cost of
 * all nine trigrams (SQLite 1.3 -> 0.5 ms, PostgreSQL 2.5 -> 0.8 ms at a million patients).
 */
function probeTrigrams(characters: string[]): string[] {
  const step = characters.length <= 5 ? 1 : 3;
  const trigrams: string[] = [];
  for (let end = characters.length; end >= 3 && trigrams.length < 3; end -= step)
    trigrams.push(characters.slice(end - 3, end).join(''));
  return trigrams;
}

/** An FTS5 string: in double quotes every character is literal, a quote is doubled. */
const ftsString = (text: string): string => `"${text.replaceAll('"', '""')}"`;

/** PostgreSQL: the GIN index over the same expression (migration 0009), all bigrams required. */
const hasBigrams = (grams: string[]) =>
  sql<SqlBool>`patient_keyword_bigrams(${sql.join(KEYWORD_COLUMNS.map((column) => sql.ref(`patients.${column}`)))}) @> array[${sql.join(grams.map((gram) => sql`lower(${gram})`))}]`;

/** Only ASCII digits, at least four (the shortest run the digit grams hold). */
const DIGITS_ONLY = /^[0-9]{4,}$/;

/** The tables of 0010 keep a digit gram as the integer of its four digits. */
const digitGram = (digits: string) => Number.parseInt(digits, 10);

/**
 * The two 4-digit grams asked for a number of 5+ digits: its last four, and the four before
 * them (up to seven digits: its first four).
 */
const twoDigitGrams = (keyword: string): [number, number] => [
  digitGram(keyword.slice(-4)),
  digitGram(keyword.length < 8 ? keyword.slice(0, 4) : keyword.slice(-8, -4)),
];

/**
 * SQLite: the patients whose fields hold the two 4-digit grams of a number of 5+ digits. The last four drive:
 * a phone's first digits (13x) are the common ones. Each of its ~750 entries at a million
 * patients is looked up in the other list by the whole key, which leaves a row or two for the
 * LIKE (two IN lists instead: 0.7 ms, this join 0.25 ms).
 */
function inDigitGrams(keyword: string): Expression<SqlBool> {
  const [last, other] = twoDigitGrams(keyword);
  return sql<SqlBool>`${sql.ref('patients.id')} in (select a.patient_id from patient_keyword_digit_grams a join patient_keyword_digit_grams b
    on b.gram = ${other} and b.add_time = a.add_time and b.patient_id = a.patient_id where a.gram = ${last})`;
}

/** PostgreSQL: the GIN index over the 4-digit grams (0010), all grams required. */
const hasDigitGrams = (grams: number[]) =>
  sql<SqlBool>`patient_keyword_digit_grams(${sql.join(KEYWORD_COLUMNS.map((column) => sql.ref(`patients.${column}`)))}) @> array[${sql.join(grams)}]::int[]`;

/** A gram list that holds exactly the live patients whose fields contain the keyword. */
export interface ExactKeywordList {
  ids: RawBuilder<{ id: number }>;
  /** A page of ids by add_time then id: the list is kept in that order. */
  pageByAddTime(order: 'asc' | 'desc', limit: number, offset: number): RawBuilder<{ id: number }>;
}

/** One gram's list of a table keyed (gram, add_time, patient_id) (0010, 0012). */
function gramList(
  table: 'patient_keyword_bigrams' | 'patient_keyword_digit_grams',
  gram: RawBuilder<unknown>,
): ExactKeywordList {
  const list = sql`from ${sql.table(table)} where gram = ${gram}`;
  return {
    ids: sql<{ id: number }>`select patient_id as id ${list}`,
    pageByAddTime: (order, limit, offset) => {
      const direction = sql.raw(order === 'asc' ? 'asc' : 'desc');
      return sql<{
        id: number;
      }>`select patient_id as id ${list} order by add_time ${direction}, patient_id ${direction} limit ${limit} offset ${offset}`;
    },
  };
}

/** The gram list that holds exactly the keyword's patients (see the table above), if one does. */
export function exactKeywordList(
  keyword: string,
  dialect: DialectName,
  phones: PhoneVisibility = 'masked',
): ExactKeywordList | undefined {
  if (keyword.length === 4 && DIGITS_ONLY.test(keyword)) {
    // Every tel holding the digits anywhere: for a masked caller, candidates only (maskedCandidates).
    return phones === 'full' ? gramList('patient_keyword_digit_grams', sql`${digitGram(keyword)}`) : undefined;
  }
  const characters = Array.from(keyword);
  if (characters.length === 2 && characters.some(isWide))
    return gramList('patient_keyword_bigrams', dialect === 'sqlite' ? sql`lower(${keyword})` : sql`${keyword}`);
  return undefined;
}

/**
 * Whether an index narrows the keyword to its matches, hundreds at a million patients rather
 * than a scan or a common trigram: a number of 4+ digits, or a fragment of 2+ characters with
 * a non-ASCII one (bigrams; trigrams on SQLite).
 */
export function keywordNarrows(keyword: string, phones: PhoneVisibility = 'masked'): boolean {
  if (phones === 'masked' && keyword.includes('*')) return longestDigitRun(keyword) !== undefined;
  if (DIGITS_ONLY.test(keyword)) return true;
  const characters = Array.from(keyword);
  return characters.length >= 2 && characters.some(isWide);
}

/** The index-backed conditions that narrow the rows the LIKE is checked on; none when it stays a scan. */
function candidateConditions(
  eb: ExpressionBuilder<Database, 'patients'>,
  keyword: string,
  dialect: DialectName,
): Expression<SqlBool>[] {
  // Characters as the databases count them (code points), not UTF-16 units.
  const characters = Array.from(keyword);
  if (dialect === 'sqlite') {
    if (DIGITS_ONLY.test(keyword)) return [inDigitGrams(keyword)];
    if (characters.length >= 3) {
      // All required; the table keeps no positions, the LIKE puts them back in order.
      const query = probeTrigrams(characters).map(ftsString).join(' AND ');
      return [
        sql<SqlBool>`${sql.ref('patients.id')} in (select rowid from patient_keyword_fts where patient_keyword_fts match ${query})`,
      ];
    }
    // Two characters with a non-ASCII one are exact (exactKeywordList); any other two, or one: a scan.
    return [];
  }
  if (DIGITS_ONLY.test(keyword)) return [hasDigitGrams(twoDigitGrams(keyword))];
  const bigrams: string[] = [];
  for (let index = 0; index + 1 < characters.length; index += 1) {
    const pair = characters[index]! + characters[index + 1]!;
    if ((isWide(characters[index]!) || isWide(characters[index + 1]!)) && !bigrams.includes(pair)) bigrams.push(pair);
  }
  if (bigrams.length > 0) return [hasBigrams(bigrams.slice(0, MAX_BIGRAMS))];
  // pg_trgm answers the LIKE itself with all of its trigrams; a long fragment is cheaper asked
  // for three (per column, all required). Only letters and digits: pg_trgm splits words on the rest.
  const trigrams = probeTrigrams(characters);
  if (characters.length <= 5 || !trigrams.every((trigram) => /^[A-Za-z0-9]{3}$/.test(trigram))) return [];
  return [eb.or(KEYWORD_COLUMNS.map((column) => eb.and(trigrams.flatMap((trigram) => likeAny([column], trigram)))))];
}

const inList = (list: ExactKeywordList) => sql<SqlBool>`${sql.ref('patients.id')} in (${list.ids})`;

/** The longest run of 4+ digits in a keyword, if any: the digit grams can narrow by it. */
function longestDigitRun(keyword: string): string | undefined {
  const runs = keyword.match(/[0-9]{4,}/g) ?? [];
  return runs.reduce<string | undefined>(
    (longest, run) => (longest === undefined || run.length > longest.length ? run : longest),
    undefined,
  );
}

/** Rows that hold at least the patients a masked caller's keyword matches (see the note above). */
function maskedCandidates(
  eb: ExpressionBuilder<Database, 'patients'>,
  keyword: string,
  dialect: DialectName,
): Expression<SqlBool>[] {
  const fragment = keyword.includes('*') ? longestDigitRun(keyword) : keyword;
  if (fragment === undefined) return [];
  const list = exactKeywordList(fragment, dialect, 'full');
  return list ? [inList(list)] : candidateConditions(eb, fragment, dialect);
}

/** A masked caller's match on the tel: the whole number, or the text the list shows. */
function shownTelCondition(eb: ExpressionBuilder<Database, 'patients'>, keyword: string): Expression<SqlBool> {
  if (isWholePhoneNumber(keyword)) return eb('patients.tel', '=', keyword);
  const shown = sql<SqlBool>`${maskedTel} like ${likeContains(keyword)} escape '\\'`;
  // Without an asterisk the keyword lies in the tel's shown digits, so the tel holds it too, and
  // PostgreSQL's trigram index on tel can answer that part.
  return keyword.includes('*') ? shown : eb.and([...likeAny(['tel'], keyword), shown]);
}

export function keywordCondition(
  eb: ExpressionBuilder<Database, 'patients'>,
  keyword: string,
  dialect: DialectName,
  phones: PhoneVisibility = 'masked',
): Expression<SqlBool> {
  const exact = exactKeywordList(keyword, dialect, phones);
  if (exact) return inList(exact);
  if (phones === 'masked') {
    const matches = eb.or([...likeAny(['name', 'wechat', 'qq'], keyword), shownTelCondition(eb, keyword)]);
    const candidates = maskedCandidates(eb, keyword, dialect);
    return candidates.length === 0 ? matches : eb.and([...candidates, matches]);
  }
  const contains = eb.or(likeAny(KEYWORD_COLUMNS, keyword));
  const candidates = candidateConditions(eb, keyword, dialect);
  return candidates.length === 0 ? contains : eb.and([...candidates, contains]);
}
