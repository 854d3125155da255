import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.js';
import { createRollupTriggers, dropRollupTriggers, type RollupFigure } from '../rollup-definition.js';

/*
 * The cohort view of the statistics (issue 17). The funnel counted each figure on its own day
 * (inquiries by add_time, appointments by order_time, arrivals by reach_time), so a month's
 * funnel mixed different patients: 到诊率 could pass 100%. The cohort view asks, of the
 * patients registered in a period, how many booked, arrived, were lost, and what they spent.
 * patient_day_counts gains those figures, counted on the day the patient registered, for every
 * dimension: cohort_booked (order_time set), cohort_arrived (reach_time set), cohort_booked_arrived
 * (both: the arrival rate among the booked cannot pass 100%) and cohort_spend_fen (their spend).
 * A cohort over a year by month and channel then reads the same few thousand rows as the
 * activity funnel. lost was a cohort figure already (registered on the day, now 流失).
 *
 * The triggers are recreated with the new figures (they watch the same columns: order_time,
 * reach_time and spend_fen change counts on the add day now too), and the rollup is marked as
 * built for no zone, so the next start rebuilds it, as 0011 did; until then it is not read.
 */
const COHORT_FIGURES = ['cohort_booked', 'cohort_arrived', 'cohort_booked_arrived', 'cohort_spend_fen'] as const;
/** Frozen copy of the figures this migration's triggers count. */
const FIGURES_0020: readonly RollupFigure[] = [
  'inquiries',
  'lost',
  'appointments',
  'arrivals',
  'spend_fen',
  ...COHORT_FIGURES,
];
const DIMENSIONS_0011 = ['none', 'channel', 'disease', 'doctor', 'advisory_way', 'state_channel', 'author'] as const;

export function cohortRollupMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await dropRollupTriggers(db, dialect);
      for (const table of ['patient_day_counts', 'patient_day_deltas']) {
        for (const figure of COHORT_FIGURES) {
          await db.schema
            .alterTable(table)
            .addColumn(figure, figure === 'cohort_spend_fen' ? 'bigint' : 'integer', (c) => c.notNull().defaultTo(0))
            .execute();
        }
      }
      await createRollupTriggers(db, dialect, DIMENSIONS_0011, FIGURES_0020);
      await sql`update patient_day_counts_zone set time_zone = null where id = 1`.execute(db);
    },
    async down(db: Kysely<any>) {
      await dropRollupTriggers(db, dialect);
      for (const table of ['patient_day_counts', 'patient_day_deltas']) {
        for (const figure of COHORT_FIGURES) await db.schema.alterTable(table).dropColumn(figure).execute();
      }
      await createRollupTriggers(db, dialect, DIMENSIONS_0011);
    },
  };
}
