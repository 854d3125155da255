import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.js';
import { DEFAULT_NOTIFICATION_TEMPLATES } from '../notification-template-defaults.js';
import { withIdColumn } from './columns.js';

/*
 * Messages to patients (issue 16): one outbox, templates, each patient's settings, and the
 * ledger that makes each appointment reminder happen once.
 *
 * - notification_outbox: one row per message to one address on one channel, written in the
 *   transaction of the event that causes it; the delivery worker claims rows (a lease in
 *   claimed_until, FOR UPDATE SKIP LOCKED on PostgreSQL), sends, and marks them sent or failed.
 *   Times here are Unix milliseconds (backoff and leases need finer steps than seconds). A
 *   purged patient's messages go with the record (on delete cascade): they carry the name and
 *   phone the purge must remove.
 * - notification_templates: per event, language and channel; an administrator edits them.
 * - notification_settings: per portal account (an account keeps them when a claim moves it
 *   to another record): reminders on/off, language, channels, email, linked WeChat openid.
 * - notification_reminders: (appointment, kind) taken in the transaction that enqueues the
 *   reminder, so several instances scanning at once enqueue it once.
 * - Permissions: notifications:view to the administrator and 院长/主管, notifications:manage to
 *   the administrator; patients:portal_account (link, reset, unlock a portal account at the
 *   desk) to the administrator and 前台. Non-builtin roles are found by their default names; a
 *   clinic that renamed them grants the keys in 角色权限. (Lists copied here, not imported.)
 */
const GRANTS: { role: { builtinKey: string } | { name: string }; keys: string[] }[] = [
  {
    role: { builtinKey: 'administrator' },
    keys: ['notifications', 'notifications:view', 'notifications:manage', 'patients:portal_account'],
  },
  { role: { name: '院长/主管' }, keys: ['notifications', 'notifications:view'] },
  { role: { name: '前台' }, keys: ['patients:portal_account'] },
];

export function notificationsMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await withIdColumn(db.schema.createTable('notification_outbox'), dialect)
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('transport', 'text')
        .addColumn('patient_id', 'integer', (c) => c.references('patients.id').onDelete('cascade'))
        .addColumn('appointment_id', 'integer', (c) => c.references('appointments.id').onDelete('set null'))
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('provider_template', 'text')
        .addColumn('sign_name', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_until', 'bigint')
        .addColumn('claim_token', 'text')
        .addColumn('last_error', 'text')
        .addColumn('provider_message_id', 'text')
        .addColumn('provider_answer', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('notification_outbox_key_uq')
        .unique()
        .on('notification_outbox')
        .column('idempotency_key')
        .execute();
      // The worker's claim: due rows by status and time.
      await db.schema
        .createIndex('notification_outbox_due_idx')
        .on('notification_outbox')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('notification_outbox_patient_idx')
        .on('notification_outbox')
        .columns(['patient_id', 'id'])
        .execute();
      await db.schema
        .createIndex('notification_outbox_appointment_idx')
        .on('notification_outbox')
        .column('appointment_id')
        .execute();

      await withIdColumn(db.schema.createTable('notification_templates'), dialect)
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('provider_template', 'text')
        .addColumn('sign_name', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'integer', (c) => c.references('staff_users.id').onDelete('set null'))
        .execute();
      await db.schema
        .createIndex('notification_templates_uq')
        .unique()
        .on('notification_templates')
        .columns(['event', 'language', 'channel'])
        .execute();

      await db.schema
        .createTable('notification_settings')
        .addColumn('account_id', 'integer', (c) => c.primaryKey().references('patient_accounts.id').onDelete('cascade'))
        .addColumn('reminders', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('language', 'text', (c) => c.notNull().defaultTo('zh-CN'))
        .addColumn('sms', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('email_enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('email', 'text')
        .addColumn('wechat', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('wechat_openid', 'text')
        .addColumn('wechat_linked_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('notification_reminders')
        .addColumn('appointment_id', 'integer', (c) => c.notNull().references('appointments.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_reminders_pk', ['appointment_id', 'kind'])
        .execute();

      const now = Math.floor(Date.now() / 1000);
      await db
        .insertInto('notification_templates')
        .values(DEFAULT_NOTIFICATION_TEMPLATES.map((template) => ({ ...template, updated_at: now, updated_by: null })))
        .execute();

      for (const grant of GRANTS) {
        const role = await db
          .selectFrom('roles')
          .select('id')
          .$call((query) =>
            'builtinKey' in grant.role
              ? query.where('builtin_key', '=', grant.role.builtinKey)
              : query.where('name', '=', grant.role.name),
          )
          .executeTakeFirst();
        if (!role) continue;
        await db
          .insertInto('role_permissions')
          .values(grant.keys.map((key) => ({ role_id: role.id, permission_key: key })))
          .onConflict((conflict) => conflict.doNothing())
          .execute();
        // Cached permission sets are per (role, version): bump so every instance sees the grant.
        await db
          .updateTable('roles')
          .set((eb) => ({ version: eb('version', '+', 1) }))
          .where('id', '=', role.id)
          .execute();
      }
    },
    async down(db: Kysely<any>) {
      await db
        .deleteFrom('role_permissions')
        .where('permission_key', 'in', [
          'notifications',
          'notifications:view',
          'notifications:manage',
          'patients:portal_account',
        ])
        .execute();
      for (const table of [
        'notification_reminders',
        'notification_settings',
        'notification_templates',
        'notification_outbox',
      ])
        await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
