import type { Kysely, Migration } from 'kysely';

/*
 * The delivery log holds patients' names and phones: housekeeping deletes settled messages after
 * NOTIFY_RETENTION_DAYS. This index lets that hourly delete read only the old settled rows.
 */
export function outboxRetentionMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('notification_outbox_settled_idx')
        .on('notification_outbox')
        .columns(['status', 'updated_at'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('notification_outbox_settled_idx').ifExists().execute();
    },
  };
}
