import { type Kysely, sql } from 'kysely';
import type { DialectName } from './database.js';

/*
 * The statistics rollup's one definition (patient_day_counts, migrations 0008 and 0011): which
 * dimensions it counts, how a patient is keyed in each, and which figures it counts on which
 * day. The triggers that keep it exact (written by the migrations) and the set-based rebuild
 * the application runs (src/features/rollup) are both generated from here, so they cannot count
 * differently (test/statistics/rollup.test.ts compares them on random writes).
 *
 * A migration passes the dimensions it creates triggers for: changing how a dimension is counted
 * means a new migration that recreates the triggers, and the zone row set to null so that the
 * next start rebuilds the counts (as 0011 does).
 */

/** group_key per dimension, over a measure row `m`: '' when the patient has no value, else '#' and the value. */
const GROUP_KEYS = {
  none: "''",
  channel: "coalesce('#' || m.media_from_id, '')",
  disease: "coalesce('#' || m.disease_id, '')",
  doctor: "coalesce('#' || m.doctor_id, '')",
  advisory_way: "coalesce('#' || m.advisory_way, '')",
  /** '#' + state, then '#' + channel when there is one ('#0#3', '#0'): the pool list's totals. */
  state_channel: "'#' || m.state || coalesce('#' || m.media_from_id, '')",
  /** A consultant's whole pool: counted on one day, 0 (see WHOLE_POOL). */
  author: "coalesce('#' || m.author_id, '')",
} as const;

export type RollupDimension = keyof typeof GROUP_KEYS;
export const ROLLUP_DIMENSIONS = Object.keys(GROUP_KEYS) as RollupDimension[];

/**
 * Dimensions counted on day 0 whatever the instant: per-day rows of a few thousand consultants
 * would be about one per patient, no smaller than the index a count reads.
 */
const WHOLE_POOL: ReadonlySet<RollupDimension> = new Set(['author']);

/** The patient columns a key or a figure depends on: a write that changes none of them changes no count. */
const KEY_COLUMNS = ['media_from_id', 'disease_id', 'doctor_id', 'advisory_way', 'state', 'author_id'] as const;
const COUNTED = [
  'add_time',
  'order_time',
  'reach_time',
  'state',
  'spend_fen',
  'media_from_id',
  'disease_id',
  'doctor_id',
  'advisory_way',
] as const;
const countedFor = (dimensions: readonly RollupDimension[]): readonly string[] =>
  dimensions.includes('author') ? [...COUNTED, 'author_id'] : COUNTED;

const FIGURES = 'inquiries, lost, appointments, arrivals, spend_fen';
const SUMS = 'sum(m.inquiries), sum(m.lost), sum(m.appointments), sum(m.arrivals), sum(m.spend_fen)';
const ANY_FIGURE =
  'sum(m.inquiries) <> 0 or sum(m.lost) <> 0 or sum(m.appointments) <> 0 or sum(m.arrivals) <> 0 or sum(m.spend_fen) <> 0';

/** Where measure rows come from: a relation of patients with a sign (+1 counts, -1 takes back). */
interface MeasureSource {
  relation: string;
  alias: string;
  sign: string;
  where?: string;
  /** Clinic-local day number of a Unix-seconds expression. */
  dayOf(time: string): string;
}

/**
 * The figures and the day each counts on: inquiries and lost (registered, now 流失) by add_time,
 * appointments by order_time, arrivals and spend by reach_time.
 */
function measureRows(source: MeasureSource): string {
  const column = (name: string) => `${source.alias}.${name}`;
  const keys = KEY_COLUMNS.map(column).join(', ');
  const from = (condition?: string) => {
    const conditions = [source.where, condition].filter(Boolean);
    return `from ${source.relation} ${source.alias}${conditions.length > 0 ? ` where ${conditions.join(' and ')}` : ''}`;
  };
  const { sign } = source;
  return [
    `select ${source.dayOf(column('add_time'))} as day, ${sign} as inquiries, case when ${column('state')} = 2 then ${sign} else 0 end as lost, ` +
      `0 as appointments, 0 as arrivals, 0 as spend_fen, ${keys} ${from()}`,
    `select ${source.dayOf(column('order_time'))}, 0, 0, ${sign}, 0, 0, ${keys} ${from(`${column('order_time')} is not null`)}`,
    `select ${source.dayOf(column('reach_time'))}, 0, 0, 0, ${sign}, ${sign} * ${column('spend_fen')}, ${keys} ${from(`${column('reach_time')} is not null`)}`,
  ].join(' union all ');
}

/**
 * The rebuild: one INSERT ... SELECT ... GROUP BY per dimension over the live patients (at a
 * million patients faster than one over all of them). `dayOf` is the application's offset CASE.
 */
export function rollupRebuildStatements(
  dayOf: (time: string) => string,
  dimensions: readonly RollupDimension[] = ROLLUP_DIMENSIONS,
): string[] {
  const measures = measureRows({ relation: 'patients', alias: 'p', sign: '1', where: 'p.deleted_at is null', dayOf });
  return dimensions.map((dimension) => {
    const wholePool = WHOLE_POOL.has(dimension);
    return (
      `insert into patient_day_counts (dimension, day, group_key, ${FIGURES}) ` +
      `select '${dimension}', ${wholePool ? '0' : 'm.day'}, ${GROUP_KEYS[dimension]}, ${SUMS} ` +
      `from (${measures}) m ${wholePool ? 'group by 3 order by 3' : 'group by 2, 3 order by 2, 3'}`
    );
  });
}

/** Clinic-local day in a trigger: the offset period from clinic_utc_offsets (floor division, also before 1970). */
const triggerDayOf = (time: string) =>
  `(cast((${time} + coalesce((select o.offset_seconds from clinic_utc_offsets o where o.from_utc <= ${time} order by o.from_utc desc limit 1), 0) ` +
  `+ 86400000000) / 86400 as integer) - 1000000)`;

/** Adds the measure rows of a signed relation into `table`, one row per dimension, day and key; zero changes write nothing. */
function triggerInsert(
  table: 'patient_day_counts' | 'patient_day_deltas',
  rows: string,
  dimensions: readonly RollupDimension[],
): string {
  const dimensionRows = dimensions
    .map((name, index) => (index === 0 ? `select '${name}' as dimension` : `select '${name}'`))
    .join(' union all ');
  const groupKey = `case d.dimension ${dimensions.map((name) => `when '${name}' then ${GROUP_KEYS[name]}`).join(' ')} else '' end`;
  const wholePool = dimensions.filter((name) => WHOLE_POOL.has(name));
  const day =
    wholePool.length > 0
      ? `case when d.dimension in (${wholePool.map((name) => `'${name}'`).join(', ')}) then 0 else m.day end`
      : 'm.day';
  const insert =
    `insert into ${table} (dimension, day, group_key, ${FIGURES}) ` +
    `select d.dimension, ${day}, ${groupKey}, ${SUMS} ` +
    `from (${measureRows({ relation: rows, alias: 'r', sign: 'r.sign', dayOf: triggerDayOf })}) m cross join (${dimensionRows}) d ` +
    `where true group by 1, 2, 3 having ${ANY_FIGURE}`;
  if (table === 'patient_day_deltas') return insert;
  return (
    `${insert} on conflict (dimension, day, group_key) do update set ` +
    'inquiries = patient_day_counts.inquiries + excluded.inquiries, lost = patient_day_counts.lost + excluded.lost, ' +
    'appointments = patient_day_counts.appointments + excluded.appointments, arrivals = patient_day_counts.arrivals + excluded.arrivals, ' +
    'spend_fen = patient_day_counts.spend_fen + excluded.spend_fen'
  );
}

const signed = (sign: 1 | -1, alias: string) =>
  `select ${sign} as sign, ${[...COUNTED, 'author_id'].map((column) => `${alias}.${column} as ${column}`).join(', ')}`;

/** SQLite (one writer at a time): row triggers upsert into patient_day_counts, skipped when no counted column changed. */
function sqliteTriggers(dimensions: readonly RollupDimension[]): string[] {
  const counted = countedFor(dimensions);
  const changed = [
    ...counted.map((column) => `old.${column} is not new.${column}`),
    '(old.deleted_at is null) <> (new.deleted_at is null)',
  ].join(' or ');
  return [
    `create trigger patients_rollup_insert after insert on patients for each row when new.deleted_at is null begin ` +
      `${triggerInsert('patient_day_counts', `(${signed(1, 'new')})`, dimensions)}; end`,
    `create trigger patients_rollup_update after update of ${[...counted, 'deleted_at'].join(', ')} on patients for each row when ${changed} begin ` +
      `${triggerInsert('patient_day_counts', `(${signed(1, 'new')} where new.deleted_at is null union all ${signed(-1, 'old')} where old.deleted_at is null)`, dimensions)}; end`,
    `create trigger patients_rollup_delete after delete on patients for each row when old.deleted_at is null begin ` +
      `${triggerInsert('patient_day_counts', `(${signed(-1, 'old')})`, dimensions)}; end`,
  ];
}

/**
 * PostgreSQL: statement triggers over transition tables append a statement's changes, aggregated,
 * to patient_day_deltas (the application folds them into patient_day_counts every few seconds).
 * Upserting the counts directly would make every writer lock shared rollup rows, and two
 * multi-statement writers locking them in different orders deadlock.
 */
function postgresTriggers(dimensions: readonly RollupDimension[]): string[] {
  const tuple = (alias: string) =>
    `(${countedFor(dimensions)
      .map((column) => `${alias}.${column}`)
      .join(', ')}, ${alias}.deleted_at is null)`;
  const changed = `${tuple('o')} is distinct from ${tuple('n')}`;
  const bodies: Record<'insert' | 'update' | 'delete', string> = {
    insert: `(${signed(1, 'n')} from new_rows n where n.deleted_at is null)`,
    update:
      `(${signed(1, 'n')} from new_rows n join old_rows o on o.id = n.id where n.deleted_at is null and ${changed} ` +
      `union all ${signed(-1, 'o')} from old_rows o join new_rows n on n.id = o.id where o.deleted_at is null and ${changed})`,
    delete: `(${signed(-1, 'o')} from old_rows o where o.deleted_at is null)`,
  };
  const transition = {
    insert: 'new table as new_rows',
    update: 'old table as old_rows new table as new_rows',
    delete: 'old table as old_rows',
  };
  return (['insert', 'update', 'delete'] as const).flatMap((event) => [
    `create function patients_rollup_${event}() returns trigger language plpgsql as $$ begin ${triggerInsert('patient_day_deltas', bodies[event], dimensions)}; return null; end $$`,
    `create trigger patients_rollup_${event} after ${event} on patients referencing ${transition[event]} ` +
      `for each statement execute function patients_rollup_${event}()`,
  ]);
}

/** The triggers that keep patient_day_counts (SQLite) or patient_day_deltas (PostgreSQL) for these dimensions. */
export async function createRollupTriggers(
  db: Kysely<any>,
  dialect: DialectName,
  dimensions: readonly RollupDimension[],
): Promise<void> {
  for (const statement of dialect === 'sqlite' ? sqliteTriggers(dimensions) : postgresTriggers(dimensions))
    await sql.raw(statement).execute(db);
}

export async function dropRollupTriggers(db: Kysely<any>, dialect: DialectName): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) {
    await sql
      .raw(`drop trigger if exists patients_rollup_${event}${dialect === 'postgres' ? ' on patients' : ''}`)
      .execute(db);
    if (dialect === 'postgres') await sql.raw(`drop function if exists patients_rollup_${event}()`).execute(db);
  }
}
