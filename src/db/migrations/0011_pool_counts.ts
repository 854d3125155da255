import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.js';
import { createRollupTriggers, dropRollupTriggers } from '../rollup-definition.js';

/*
 * The pool list's total at a million patients (issue 6). The list a manager opens most, one
 * state and one channel over the last 90 days newest first, finds its page of 20 on the
 * (state, media_from_id, add_time) index at any size; its total counted every match: about
 * 18k index entries at 1M against 174 at 10k, which put the list's p99 at 2.2-2.8x its 10k
 * figure on both databases.
 *
 * The statistics rollup (0008) gets two more dimensions. state_channel: per clinic day of
 * add_time, the live patients of each state and channel (group_key '#state#channel', or
 * '#state' without a channel). A total over whole days is then a sum of one small row per
 * day; the part-days at the ends of the range are counted from the patients, as the
 * statistics do (src/features/patients/pool-total.ts).
 *
 * And author: a consultant's whole live pool in one row (day 0, group_key '#author_id'), for
 * the list a consultant opens first, their own pool unfiltered: a busy consultant holds ~17k
 * records at 1M (1.4 ms to count on PostgreSQL, against 0.15 ms for 1.7k at 10k). The
 * triggers now also watch author_id. On SQLite the row is upserted by its consultant's writes
 * only; on PostgreSQL writers append to patient_day_deltas as for every dimension, so two
 * writers of one consultant's records never wait on each other's rollup row.
 *
 * The triggers are recreated with both. The rollup is marked as built for no zone, so the next
 * start rebuilds it, new dimensions included (rollup-sync.ts), and until then neither the
 * statistics nor the list read it (test/statistics/rollup-upgrade.test.ts).
 */
export function poolCountsMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await dropRollupTriggers(db, dialect);
      await createRollupTriggers(db, dialect, [
        'none',
        'channel',
        'disease',
        'doctor',
        'advisory_way',
        'state_channel',
        'author',
      ]);
      await sql`update patient_day_counts_zone set time_zone = null where id = 1`.execute(db);
    },
    async down(db: Kysely<any>) {
      await dropRollupTriggers(db, dialect);
      await createRollupTriggers(db, dialect, ['none', 'channel', 'disease', 'doctor', 'advisory_way']);
      await sql`delete from patient_day_counts where dimension in ('state_channel', 'author')`.execute(db);
      await sql`delete from patient_day_deltas where dimension in ('state_channel', 'author')`.execute(db);
    },
  };
}
