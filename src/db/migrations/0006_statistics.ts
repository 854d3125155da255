import type { Kysely, Migration } from 'kysely';

/*
 * Indexes for the statistics, dashboard and consultant-scoped reports: 0001 indexes
 * (author_id, add_time) but order_time and reach_time only alone, so a consultant's
 * appointments or arrivals in a period would scan everyone's. With these, every funnel and
 * dashboard figure is one index range scan, scoped or not.
 */
const STATISTICS_INDEXES: [string, string[]][] = [
  ['patients_author_order_time_idx', ['author_id', 'order_time']],
  ['patients_author_reach_time_idx', ['author_id', 'reach_time']],
];

export function statisticsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      for (const [name, columns] of STATISTICS_INDEXES) {
        await db.schema.createIndex(name).ifNotExists().on('patients').columns(columns).execute();
      }
    },
    async down(db: Kysely<any>) {
      for (const [name] of STATISTICS_INDEXES) await db.schema.dropIndex(name).ifExists().execute();
    },
  };
}
