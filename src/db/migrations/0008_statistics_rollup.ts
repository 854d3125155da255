import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.js';
import { createRollupTriggers, dropRollupTriggers } from '../rollup-definition.js';

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
 * The trigger SQL and the application's rebuild come from one definition, src/db/rollup-definition.ts.
 *
 * Also for the dashboard: follow-ups due counted from an index alone. A consultant with two
 * thousand due follow-ups cost a table lookup per row (12 ms on SQLite, a parallel seq scan of
 * follow_ups on PostgreSQL); the covering index replaces (staff_id, next_follow_up_date).
 */

const DUE_COVER = ['staff_id', 'next_follow_up_date', 'patient_id', 'contact_time', 'id'];
/** The dimensions 0008 counts; 0011 adds state_channel and author (the pool list's totals). */
const DIMENSIONS_0008 = ['none', 'channel', 'disease', 'doctor', 'advisory_way'] as const;

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
      await db.schema
        .createIndex('patient_day_deltas_day_idx')
        .on('patient_day_deltas')
        .columns(['dimension', 'day'])
        .execute();
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
      await db.schema
        .createIndex('follow_ups_due_cover_idx')
        .ifNotExists()
        .on('follow_ups')
        .columns(DUE_COVER)
        .execute();
      await db.schema.dropIndex('follow_ups_due_idx').ifExists().execute();
    },
    async down(db: Kysely<any>) {
      await db.schema
        .createIndex('follow_ups_due_idx')
        .ifNotExists()
        .on('follow_ups')
        .columns(['staff_id', 'next_follow_up_date'])
        .execute();
      await db.schema.dropIndex('follow_ups_due_cover_idx').ifExists().execute();
      await dropRollupTriggers(db, dialect);
      for (const table of [
        'patient_day_counts_zone',
        'clinic_utc_offsets',
        'patient_day_deltas',
        'patient_day_counts',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
