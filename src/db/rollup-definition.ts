import { type Kysely, sql } from 'kysely';
import type { DialectName } from './database.js';

/*
 * The statistics rollup's one definition (patient_day_counts, migrations 0008, 0011 and 0020): which
 * dimensions it counts, how a patient is keyed in each, and which figures it counts on which
 * day. The triggers that keep it exact (written by the migrations) and the set-based rebuild
 * the application runs (src/features/rollup) are both generated from here, so they cannot count
 * differently (test/statistics/rollup.test.ts compares them on random writes).
 *
 * A migration passes the dimensions (and, from 0020, the figures) it creates triggers for:
 * changing what is counted means a new migration that recreates the triggers, and the zone row
 * set to null so that the next start rebuilds the counts (as 0011 and 0020 do).
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

type TimeColumn = 'add_time' | 'order_time' | 'reach_time';

/**
 * The figures and the day each counts on, over a measure row's patient columns (`c`): the
 * activity figures (0008) count each event on its own day (inquiries and lost by add_time,
 * appointments by order_time, arrivals and spend by reach_time); the cohort figures (0020)
 * count, on the day the patient registered, what became of them: booked (order_time set),
 * arrived (reach_time set), both, and their recorded spend.
 */
const FIGURE_DEFINITIONS = {
  inquiries: { on: 'add_time', value: () => '1' },
  lost: { on: 'add_time', value: (c) => `case when ${c('state')} = 2 then 1 else 0 end` },
  appointments: { on: 'order_time', value: () => '1' },
  arrivals: { on: 'reach_time', value: () => '1' },
  spend_fen: { on: 'reach_time', value: (c) => c('spend_fen') },
  cohort_booked: { on: 'add_time', value: (c) => `case when ${c('order_time')} is not null then 1 else 0 end` },
  cohort_arrived: { on: 'add_time', value: (c) => `case when ${c('reach_time')} is not null then 1 else 0 end` },
  cohort_booked_arrived: {
    on: 'add_time',
    value: (c) => `case when ${c('order_time')} is not null and ${c('reach_time')} is not null then 1 else 0 end`,
  },
  cohort_spend_fen: { on: 'add_time', value: (c) => c('spend_fen') },
} as const satisfies Record<string, { on: TimeColumn; value: (column: (name: string) => string) => string }>;

export type RollupFigure = keyof typeof FIGURE_DEFINITIONS;
/** Every figure patient_day_counts holds today: what the rebuild writes and the readers sum. */
export const ROLLUP_FIGURES = Object.keys(FIGURE_DEFINITIONS) as RollupFigure[];
/**
 * The figures of 0008 and 0011, whose triggers are created without naming figures: a migration
 * that changes the figures passes them (0020 passes ROLLUP_FIGURES as they were then).
 */
const FIGURES_0008: readonly RollupFigure[] = ['inquiries', 'lost', 'appointments', 'arrivals', 'spend_fen'];

const figureList = (figures: readonly RollupFigure[]) => figures.join(', ');
const sumsOf = (figures: readonly RollupFigure[]) => figures.map((figure) => `sum(m.${figure})`).join(', ');
const anyFigureOf = (figures: readonly RollupFigure[]) => figures.map((figure) => `sum(m.${figure}) <> 0`).join(' or ');

/** Where measure rows come from: a relation of patients with a sign (+1 counts, -1 takes back). */
interface MeasureSource {
  relation: string;
  alias: string;
  sign: string;
  where?: string;
  /** Clinic-local day number of a Unix-seconds expression. */
  dayOf(time: string): string;
}

/** One row per patient and time column it has (add_time always, order_time and reach_time when set), every figure a column. */
function measureRows(source: MeasureSource, figures: readonly RollupFigure[]): string {
  const column = (name: string) => `${source.alias}.${name}`;
  const keys = KEY_COLUMNS.map(column).join(', ');
  const from = (condition?: string) => {
    const conditions = [source.where, condition].filter(Boolean);
    return `from ${source.relation} ${source.alias}${conditions.length > 0 ? ` where ${conditions.join(' and ')}` : ''}`;
  };
  const { sign } = source;
  return (['add_time', 'order_time', 'reach_time'] as const)
    .map((time, index) => {
      const values = figures.map((figure) => {
        const definition: { on: TimeColumn; value: (c: (name: string) => string) => string } =
          FIGURE_DEFINITIONS[figure];
        if (definition.on !== time) return index === 0 ? `0 as ${figure}` : '0';
        const value = definition.value(column);
        const signed = value === '1' ? sign : `${sign} * ${value}`;
        return index === 0 ? `${signed} as ${figure}` : signed;
      });
      const day = index === 0 ? `${source.dayOf(column(time))} as day` : source.dayOf(column(time));
      return `select ${day}, ${values.join(', ')}, ${keys} ${from(index === 0 ? undefined : `${column(time)} is not null`)}`;
    })
    .join(' union all ');
}

/**
 * The rebuild: one INSERT ... SELECT ... GROUP BY per dimension over the live patients (at a
 * million patients faster than one over all of them). `dayOf` is the application's offset CASE.
 */
export function rollupRebuildStatements(
  dayOf: (time: string) => string,
  dimensions: readonly RollupDimension[] = ROLLUP_DIMENSIONS,
): string[] {
  const measures = measureRows(
    { relation: 'patients', alias: 'p', sign: '1', where: 'p.deleted_at is null', dayOf },
    ROLLUP_FIGURES,
  );
  return dimensions.map((dimension) => {
    const wholePool = WHOLE_POOL.has(dimension);
    return (
      `insert into patient_day_counts (dimension, day, group_key, ${figureList(ROLLUP_FIGURES)}) ` +
      `select '${dimension}', ${wholePool ? '0' : 'm.day'}, ${GROUP_KEYS[dimension]}, ${sumsOf(ROLLUP_FIGURES)} ` +
      `from (${measures}) m ${wholePool ? 'group by 3 order by 3' : 'group by 2, 3 order by 2, 3'}`
    );
  });
}

/** Clinic-local day in a trigger: the offset period from clinic_utc_offsets (floor division, also before 1970). */
const triggerDayOf = (time: string) =>
  `(cast((${time} + coalesce((select o.offset_seconds from clinic_utc_offsets o where o.from_utc <= ${time} order by o.from_utc desc limit 1), 0) ` +
  `+ 86400000000) / 86400 as integer) - 1000000)`;

/**
 * Adds `rows` (already aggregated per dimension, day and group_key) to patient_day_counts: the
 * upsert of the SQLite triggers, and of PostgreSQL's compaction of the appended deltas.
 */
export function upsertCountsClause(figures: readonly RollupFigure[] = ROLLUP_FIGURES): string {
  return `on conflict (dimension, day, group_key) do update set ${figures
    .map((figure) => `${figure} = patient_day_counts.${figure} + excluded.${figure}`)
    .join(', ')}`;
}

/** PostgreSQL: folds patient_day_deltas into patient_day_counts in one statement (under the caller's lock). */
export function compactionStatement(): string {
  const figures = ROLLUP_FIGURES;
  return (
    `with moved as (delete from patient_day_deltas returning *) ` +
    `insert into patient_day_counts (dimension, day, group_key, ${figureList(figures)}) ` +
    `select dimension, day, group_key, ${figures.map((figure) => `sum(${figure})`).join(', ')} from moved m group by 1, 2, 3 ` +
    `having ${anyFigureOf(figures)} order by 1, 2, 3 ${upsertCountsClause(figures)}`
  );
}

/** Adds the measure rows of a signed relation into `table`, one row per dimension, day and key; zero changes write nothing. */
function triggerInsert(
  table: 'patient_day_counts' | 'patient_day_deltas',
  rows: string,
  dimensions: readonly RollupDimension[],
  figures: readonly RollupFigure[],
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
    `insert into ${table} (dimension, day, group_key, ${figureList(figures)}) ` +
    `select d.dimension, ${day}, ${groupKey}, ${sumsOf(figures)} ` +
    `from (${measureRows({ relation: rows, alias: 'r', sign: 'r.sign', dayOf: triggerDayOf }, figures)}) m cross join (${dimensionRows}) d ` +
    `where true group by 1, 2, 3 having ${anyFigureOf(figures)}`;
  return table === 'patient_day_deltas' ? insert : `${insert} ${upsertCountsClause(figures)}`;
}

const signed = (sign: 1 | -1, alias: string) =>
  `select ${sign} as sign, ${[...COUNTED, 'author_id'].map((column) => `${alias}.${column} as ${column}`).join(', ')}`;

/** SQLite (one writer at a time): row triggers upsert into patient_day_counts, skipped when no counted column changed. */
function sqliteTriggers(dimensions: readonly RollupDimension[], figures: readonly RollupFigure[]): string[] {
  const counted = countedFor(dimensions);
  const changed = [
    ...counted.map((column) => `old.${column} is not new.${column}`),
    '(old.deleted_at is null) <> (new.deleted_at is null)',
  ].join(' or ');
  return [
    `create trigger patients_rollup_insert after insert on patients for each row when new.deleted_at is null begin ` +
      `${triggerInsert('patient_day_counts', `(${signed(1, 'new')})`, dimensions, figures)}; end`,
    `create trigger patients_rollup_update after update of ${[...counted, 'deleted_at'].join(', ')} on patients for each row when ${changed} begin ` +
      `${triggerInsert('patient_day_counts', `(${signed(1, 'new')} where new.deleted_at is null union all ${signed(-1, 'old')} where old.deleted_at is null)`, dimensions, figures)}; end`,
    `create trigger patients_rollup_delete after delete on patients for each row when old.deleted_at is null begin ` +
      `${triggerInsert('patient_day_counts', `(${signed(-1, 'old')})`, dimensions, figures)}; end`,
  ];
}

/**
 * PostgreSQL: statement triggers over transition tables append a statement's changes, aggregated,
 * to patient_day_deltas (the application folds them into patient_day_counts every few seconds).
 * Upserting the counts directly would make every writer lock shared rollup rows, and two
 * multi-statement writers locking them in different orders deadlock.
 */
function postgresTriggers(dimensions: readonly RollupDimension[], figures: readonly RollupFigure[]): string[] {
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
    `create function patients_rollup_${event}() returns trigger language plpgsql as $$ begin ${triggerInsert('patient_day_deltas', bodies[event], dimensions, figures)}; return null; end $$`,
    `create trigger patients_rollup_${event} after ${event} on patients referencing ${transition[event]} ` +
      `for each statement execute function patients_rollup_${event}()`,
  ]);
}

/**
 * The triggers that keep patient_day_counts (SQLite) or patient_day_deltas (PostgreSQL) for these
 * dimensions and figures. `figures` defaults to 0008's, which 0008 and 0011 counted without naming
 * them: a migration after 0020 names the figures its tables have.
 */
export async function createRollupTriggers(
  db: Kysely<any>,
  dialect: DialectName,
  dimensions: readonly RollupDimension[],
  figures: readonly RollupFigure[] = FIGURES_0008,
): Promise<void> {
  const statements = dialect === 'sqlite' ? sqliteTriggers(dimensions, figures) : postgresTriggers(dimensions, figures);
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function dropRollupTriggers(db: Kysely<any>, dialect: DialectName): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) {
    await sql
      .raw(`drop trigger if exists patients_rollup_${event}${dialect === 'postgres' ? ' on patients' : ''}`)
      .execute(db);
    if (dialect === 'postgres') await sql.raw(`drop function if exists patients_rollup_${event}()`).execute(db);
  }
}
