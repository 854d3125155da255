import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.js';

/*
 * The statistics rollup (issue 6): the funnel's GROUP BY over a year of a million patients
 * cost ~1 s on SQLite. patient_day_counts holds, per clinic-calendar day and per value of one
 * dimension (none, channel, disease, doctor, advisory way), the funnel figures of the live
 * patients: inquiries and lost by add_time, appointments by order_time, arrivals and spend by
 * reach_time. A year by month then reads a few thousand small rows.
 *
 * Triggers on patients keep it exact in the writer's own transaction, whatever the write path
 * (registration, edits, arrivals, bookings, imports, recycle bin, catalog renames, raw SQL).
 * They need the clinic-local day of an instant without application code: clinic_utc_offsets
 * lists the UTC offset periods of CLINIC_TIMEZONE. The application writes those periods and
 * rebuilds the rollup at startup whenever the configured zone (or the zone's rules) differ
 * from what patient_day_counts_zone records (src/features/statistics/rollup-sync.ts); until
 * then the offset is 0 and the rollup is not read (time_zone null).
 *
 * Consultant is not a dimension: a few thousand consultants make about one rollup row per
 * patient and day, no smaller than the raw rows.
 *
 * group_key: '' when the patient has no value for the dimension, otherwise '#' and the value
 * (an advisory way may be the empty string).
 *
 * SQLite (one writer at a time): row triggers upsert into patient_day_counts, skipped when no
 * counted column changed. PostgreSQL: statement triggers over transition tables append the
 * changes of a statement, aggregated, to patient_day_deltas. Upserting there instead would
 * make every transaction that writes patients lock shared rollup rows (today's, above all):
 * two multi-statement writers (imports in batches) locking them in different orders
 * deadlock, which a load test of concurrent imports showed. Appending locks nothing shared;
 * readers add the deltas to the counts, and the application folds them into
 * patient_day_counts every few seconds (one statement, under an advisory lock).
 *
 * Also for the dashboard: follow-ups due counted from an index alone. A consultant with two
 * thousand due follow-ups cost a table lookup per row (12 ms on SQLite, a parallel seq scan of
 * follow_ups on PostgreSQL); the covering index replaces (staff_id, next_follow_up_date).
 */

const DUE_COVER = ['staff_id', 'next_follow_up_date', 'patient_id', 'contact_time', 'id'];
/** The dimensions 0008 counts; 0011 adds state_channel and author (the pool list's totals). */
const DIMENSIONS_0008 = ['none', 'channel', 'disease', 'doctor', 'advisory_way'] as const;
export type RollupTriggerDimension = (typeof DIMENSIONS_0008)[number] | 'state_channel' | 'author';
/** The patient columns the figures depend on (and author_id, where the author dimension is counted). */
const COUNTED = ['add_time', 'order_time', 'reach_time', 'state', 'spend_fen', 'media_from_id', 'disease_id', 'doctor_id', 'advisory_way'] as const;
const countedFor = (dimensions: readonly RollupTriggerDimension[]): readonly string[] => (dimensions.includes('author') ? [...COUNTED, 'author_id'] : COUNTED);

const dimensionsTable = (dimensions: readonly RollupTriggerDimension[]) =>
  dimensions.map((name, index) => (index === 0 ? `select '${name}' as dimension` : `select '${name}'`)).join(' union all ');

/** state_channel: '#' + state, then '#' + channel when there is one ('#0#3', '#0'). */
const groupKey =
  "case d.dimension when 'channel' then coalesce('#' || m.media_from_id, '') when 'disease' then coalesce('#' || m.disease_id, '') " +
  "when 'doctor' then coalesce('#' || m.doctor_id, '') when 'advisory_way' then coalesce('#' || m.advisory_way, '') " +
  "when 'state_channel' then '#' || m.state || coalesce('#' || m.media_from_id, '') " +
  "when 'author' then coalesce('#' || m.author_id, '') else '' end";
/**
 * author is counted on one day, 0, whatever the instant: a consultant's whole pool in one row
 * (per-day rows would be about one per patient, a few thousand consultants each registering
 * a few a day, and no smaller than the index a count reads).
 */
const dayFor = (dimensions: readonly RollupTriggerDimension[]) => (dimensions.includes('author') ? "case d.dimension when 'author' then 0 else m.day end" : 'm.day');

/** Clinic-local day number of a Unix-seconds expression (floor division, also before 1970). */
const dayOf = (time: string) =>
  `(cast((${time} + coalesce((select o.offset_seconds from clinic_utc_offsets o where o.from_utc <= ${time} order by o.from_utc desc limit 1), 0) ` +
  `+ 86400000000) / 86400 as integer) - 1000000)`;

/** The per-measure rows of a signed patient relation `rows` (sign +1 adds, -1 removes). */
function measureRows(rows: string): string {
  const keys = 'r.media_from_id, r.disease_id, r.doctor_id, r.advisory_way, r.state, r.author_id';
  return [
    `select ${dayOf('r.add_time')} as day, r.sign as inquiries, case when r.state = 2 then r.sign else 0 end as lost, ` +
      `0 as appointments, 0 as arrivals, 0 as spend_fen, ${keys} from ${rows} r`,
    `select ${dayOf('r.order_time')}, 0, 0, r.sign, 0, 0, ${keys} from ${rows} r where r.order_time is not null`,
    `select ${dayOf('r.reach_time')}, 0, 0, 0, r.sign, r.sign * r.spend_fen, ${keys} from ${rows} r where r.reach_time is not null`,
  ].join(' union all ');
}

/** Adds the measure rows of `rows` into `table`, one row per dimension, day and key; zero changes write nothing. */
function insertFrom(table: 'patient_day_counts' | 'patient_day_deltas', rows: string, dimensions: readonly RollupTriggerDimension[]): string {
  const insert =
    `insert into ${table} (dimension, day, group_key, inquiries, lost, appointments, arrivals, spend_fen) ` +
    `select d.dimension, ${dayFor(dimensions)}, ${groupKey}, sum(m.inquiries), sum(m.lost), sum(m.appointments), sum(m.arrivals), sum(m.spend_fen) ` +
    `from (${measureRows(rows)}) m cross join (${dimensionsTable(dimensions)}) d ` +
    'where true group by 1, 2, 3 ' +
    'having sum(m.inquiries) <> 0 or sum(m.lost) <> 0 or sum(m.appointments) <> 0 or sum(m.arrivals) <> 0 or sum(m.spend_fen) <> 0';
  if (table === 'patient_day_deltas') return insert;
  return (
    `${insert} on conflict (dimension, day, group_key) do update set ` +
    'inquiries = patient_day_counts.inquiries + excluded.inquiries, lost = patient_day_counts.lost + excluded.lost, ' +
    'appointments = patient_day_counts.appointments + excluded.appointments, arrivals = patient_day_counts.arrivals + excluded.arrivals, ' +
    'spend_fen = patient_day_counts.spend_fen + excluded.spend_fen'
  );
}

const signed = (sign: 1 | -1, alias: string) => `select ${sign} as sign, ${[...COUNTED, 'author_id'].map((column) => `${alias}.${column} as ${column}`).join(', ')}`;

function sqliteTriggers(dimensions: readonly RollupTriggerDimension[]): string[] {
  const counted = countedFor(dimensions);
  const changed = [
    ...counted.map((column) => `old.${column} is not new.${column}`),
    '(old.deleted_at is null) <> (new.deleted_at is null)',
  ].join(' or ');
  return [
    `create trigger patients_rollup_insert after insert on patients for each row when new.deleted_at is null begin ` +
      `${insertFrom('patient_day_counts', `(${signed(1, 'new')})`, dimensions)}; end`,
    `create trigger patients_rollup_update after update of ${[...counted, 'deleted_at'].join(', ')} on patients for each row when ${changed} begin ` +
      `${insertFrom('patient_day_counts', `(${signed(1, 'new')} where new.deleted_at is null union all ${signed(-1, 'old')} where old.deleted_at is null)`, dimensions)}; end`,
    `create trigger patients_rollup_delete after delete on patients for each row when old.deleted_at is null begin ` +
      `${insertFrom('patient_day_counts', `(${signed(-1, 'old')})`, dimensions)}; end`,
  ];
}

function postgresTriggers(dimensions: readonly RollupTriggerDimension[]): string[] {
  const tuple = (alias: string) => `(${countedFor(dimensions).map((column) => `${alias}.${column}`).join(', ')}, ${alias}.deleted_at is null)`;
  const changed = `${tuple('o')} is distinct from ${tuple('n')}`;
  const bodies: Record<'insert' | 'update' | 'delete', string> = {
    insert: `(${signed(1, 'n')} from new_rows n where n.deleted_at is null)`,
    update:
      `(${signed(1, 'n')} from new_rows n join old_rows o on o.id = n.id where n.deleted_at is null and ${changed} ` +
      `union all ${signed(-1, 'o')} from old_rows o join new_rows n on n.id = o.id where o.deleted_at is null and ${changed})`,
    delete: `(${signed(-1, 'o')} from old_rows o where o.deleted_at is null)`,
  };
  const transition = { insert: 'new table as new_rows', update: 'old table as old_rows new table as new_rows', delete: 'old table as old_rows' };
  return (['insert', 'update', 'delete'] as const).flatMap((event) => [
    `create function patients_rollup_${event}() returns trigger language plpgsql as $$ begin ${insertFrom('patient_day_deltas', bodies[event], dimensions)}; return null; end $$`,
    `create trigger patients_rollup_${event} after ${event} on patients referencing ${transition[event]} ` +
      `for each statement execute function patients_rollup_${event}()`,
  ]);
}

/** The triggers that keep patient_day_counts (SQLite) or patient_day_deltas (PostgreSQL) for these dimensions. */
export async function createRollupTriggers(db: Kysely<any>, dialect: DialectName, dimensions: readonly RollupTriggerDimension[]): Promise<void> {
  for (const statement of dialect === 'sqlite' ? sqliteTriggers(dimensions) : postgresTriggers(dimensions)) await sql.raw(statement).execute(db);
}

export async function dropRollupTriggers(db: Kysely<any>, dialect: DialectName): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger if exists patients_rollup_${event}${dialect === 'postgres' ? ' on patients' : ''}`).execute(db);
    if (dialect === 'postgres') await sql.raw(`drop function if exists patients_rollup_${event}()`).execute(db);
  }
}

export function statisticsRollupMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      let counts = db.schema
        .createTable('patient_day_counts')
        .addColumn('dimension', 'text', (c) => c.notNull())
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('group_key', 'text', (c) => c.notNull())
        .addColumn('inquiries', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lost', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('appointments', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('arrivals', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('spend_fen', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('patient_day_counts_pk', ['dimension', 'day', 'group_key']);
      // A report reads a day range of one dimension: store the rows in key order.
      if (dialect === 'sqlite') counts = counts.modifyEnd(sql`without rowid`);
      await counts.execute();
      // PostgreSQL's triggers append here (SQLite's stays empty); no key: many rows per day and group.
      await db.schema
        .createTable('patient_day_deltas')
        .addColumn('dimension', 'text', (c) => c.notNull())
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('group_key', 'text', (c) => c.notNull())
        .addColumn('inquiries', 'integer', (c) => c.notNull())
        .addColumn('lost', 'integer', (c) => c.notNull())
        .addColumn('appointments', 'integer', (c) => c.notNull())
        .addColumn('arrivals', 'integer', (c) => c.notNull())
        .addColumn('spend_fen', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('patient_day_deltas_day_idx').on('patient_day_deltas').columns(['dimension', 'day']).execute();
      await db.schema
        .createTable('clinic_utc_offsets')
        .addColumn('from_utc', 'bigint', (c) => c.primaryKey())
        .addColumn('offset_seconds', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('patient_day_counts_zone')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('time_zone', 'text')
        .addColumn('covered_from', 'bigint')
        .addColumn('covered_until', 'bigint')
        .addColumn('rebuilt_at', 'bigint')
        .execute();
      await db.insertInto('patient_day_counts_zone').values({ id: 1, time_zone: null }).execute();
      await createRollupTriggers(db, dialect, DIMENSIONS_0008);
      await db.schema.createIndex('follow_ups_due_cover_idx').ifNotExists().on('follow_ups').columns(DUE_COVER).execute();
      await db.schema.dropIndex('follow_ups_due_idx').ifExists().execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.createIndex('follow_ups_due_idx').ifNotExists().on('follow_ups').columns(['staff_id', 'next_follow_up_date']).execute();
      await db.schema.dropIndex('follow_ups_due_cover_idx').ifExists().execute();
      await dropRollupTriggers(db, dialect);
      for (const table of ['patient_day_counts_zone', 'clinic_utc_offsets', 'patient_day_deltas', 'patient_day_counts']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
