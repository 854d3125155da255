import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../database.js';

/*
 * Fixes found by the benchmark suite (bench/, issue 6) at a million patients:
 * - patients_deleted_idx indexed every row's deleted_at. Every live-patient query says
 *   `deleted_at is null`, which SQLite (without ANALYZE statistics) reads as a selective
 *   equality and answered through this index: a full walk of 99% of the pool plus a table
 *   lookup per row (dashboard 24 ms at 50k rows, linear in rows). Only the recycle bin
 *   needs it, and it asks `deleted_at is not null`: a partial index serves exactly that.
 * - The dashboard counts per time column and the list's most common filter (state +
 *   channel, newest first) become index-only range scans: the index carries deleted_at and
 *   state, so counting a month does not touch the table.
 * - PostgreSQL: trigram (pg_trgm) indexes let the keyword search (`like '%…%'` on name, tel,
 *   wechat, qq) use a bitmap index scan for fragments of 3 or more characters, where
 *   contrib's pg_trgm is available.
 */
const COVERING_INDEXES: [string, string[]][] = [
  ['patients_add_time_live_idx', ['add_time', 'deleted_at', 'state']],
  ['patients_order_time_live_idx', ['order_time', 'deleted_at', 'state']],
  ['patients_reach_time_live_idx', ['reach_time', 'deleted_at', 'state']],
  ['patients_channel_state_add_time_idx', ['media_from_id', 'state', 'add_time', 'deleted_at']],
  // A consultant's own list and its total (data scope on): the busiest have tens of thousands.
  ['patients_author_live_add_time_idx', ['author_id', 'deleted_at', 'add_time']],
];
/** Superseded by the covering ones above (same leading column). */
const SUPERSEDED = [
  'patients_add_time_idx',
  'patients_order_time_idx',
  'patients_reach_time_idx',
  'patients_author_add_time_idx',
];
const TRIGRAM_COLUMNS = ['name', 'tel', 'wechat', 'qq'];

async function hasTrigramExtension(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ name: string }>`select name from pg_available_extensions where name = 'pg_trgm'`.execute(
    db,
  );
  return rows.length > 0;
}

export function performanceMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('patients_deleted_idx').ifExists().execute();
      await db.schema
        .createIndex('patients_deleted_idx')
        .on('patients')
        .column('deleted_at')
        .where(sql.ref('deleted_at'), 'is not', null)
        .execute();
      for (const [name, columns] of COVERING_INDEXES)
        await db.schema.createIndex(name).ifNotExists().on('patients').columns(columns).execute();
      for (const name of SUPERSEDED) await db.schema.dropIndex(name).ifExists().execute();
      if (dialect === 'postgres' && (await hasTrigramExtension(db))) {
        await sql`create extension if not exists pg_trgm`.execute(db);
        for (const column of TRIGRAM_COLUMNS) {
          await sql`create index if not exists ${sql.id(`patients_${column}_trgm_idx`)} on patients using gin (${sql.id(column)} gin_trgm_ops)`.execute(
            db,
          );
        }
      }
    },
    async down(db: Kysely<any>) {
      for (const column of TRIGRAM_COLUMNS)
        await db.schema.dropIndex(`patients_${column}_trgm_idx`).ifExists().execute();
      for (const name of SUPERSEDED) {
        const columns =
          name === 'patients_author_add_time_idx'
            ? ['author_id', 'add_time']
            : [name.replace('patients_', '').replace('_idx', '')];
        await db.schema.createIndex(name).ifNotExists().on('patients').columns(columns).execute();
      }
      for (const [name] of COVERING_INDEXES) await db.schema.dropIndex(name).ifExists().execute();
      await db.schema.dropIndex('patients_deleted_idx').ifExists().execute();
      await db.schema.createIndex('patients_deleted_idx').on('patients').column('deleted_at').execute();
    },
  };
}
