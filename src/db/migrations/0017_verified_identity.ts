import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.js';
import { withIdColumn } from './columns.js';

/*
 * Verified phones (issue 16, docs/portal-identity.md).
 * - patient_accounts.phone_verified_at: when the account last proved its phone with a code (or
 *   staff confirmed it at the desk); null = never. Accounts from before this migration are null:
 *   they were attached under the old rule, and nothing here can tell which were proved.
 * - verification_codes: one row per code sent; the code itself is stored only as an HMAC, lives
 *   5 minutes, allows 5 checks (attempts counts them, reserved before each check) and is used
 *   once (consumed_at). account_id ties a change-of-phone code to the account that asked.
 * - verification_limits: per phone and per client address, the requests of the current clinic
 *   day and the time of the last one, checked and counted in one upsert (several instances
 *   share it): one request per phone per 60 s, daily caps per phone and per address.
 */
export function verifiedIdentityMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('patient_accounts').addColumn('phone_verified_at', 'bigint').execute();

      await withIdColumn(db.schema.createTable('verification_codes'), dialect)
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('account_id', 'integer', (c) => c.references('patient_accounts.id').onDelete('cascade'))
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('consumed_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('verification_codes_phone_idx')
        .on('verification_codes')
        .columns(['phone', 'purpose', 'id'])
        .execute();
      await db.schema
        .createIndex('verification_codes_expiry_idx')
        .on('verification_codes')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('verification_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('requests', 'integer', (c) => c.notNull())
        .addColumn('last_request_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('verification_limits').ifExists().execute();
      await db.schema.dropTable('verification_codes').ifExists().execute();
      await db.schema.alterTable('patient_accounts').dropColumn('phone_verified_at').execute();
    },
  };
}
