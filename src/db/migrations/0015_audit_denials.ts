import type { Kysely, Migration } from 'kysely';

/*
 * Denied staff requests (403, or 404 on a record the caller may not open) are audited, but a
 * script hammering a route must not flood the append-only audit log: the first denial of a
 * staff account on one route in one minute writes an audit row, the rest only count here,
 * and the log shows that count beside the row (issue 14, item 5).
 */
export function auditDenialsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('audit_denials')
        .addColumn('actor_id', 'integer', (c) => c.notNull())
        .addColumn('route', 'text', (c) => c.notNull())
        /** Unix minutes (UTC): floor(ms / 60000). */
        .addColumn('minute', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_denials_pk', ['actor_id', 'route', 'minute'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('audit_denials').ifExists().execute();
    },
  };
}
