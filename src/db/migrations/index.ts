import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { type DatabaseHandle, type DialectName, onMaintenanceConnection } from '../database.js';
import type { Database } from '../schema.js';
import { initialMigration } from './0001_initial.js';
import { poolLifeMigration } from './0002_pool_life.js';
import { patientPoolMigration } from './0003_patient_pool.js';
import { staffCatalogsMigration } from './0004_staff_catalogs.js';
import { appointmentsMigration } from './0005_appointments.js';
import { statisticsMigration } from './0006_statistics.js';
import { performanceMigration } from './0007_performance.js';
import { statisticsRollupMigration } from './0008_statistics_rollup.js';
import { keywordSearchMigration } from './0009_keyword_search.js';
import { keywordDigitGramsMigration } from './0010_keyword_digit_grams.js';
import { poolCountsMigration } from './0011_pool_counts.js';
import { keywordGramListsMigration } from './0012_keyword_gram_lists.js';
import { avatarFilesMigration } from './0013_avatar_files.js';
import { phoneLookupsMigration } from './0014_phone_lookups.js';
import { auditDenialsMigration } from './0015_audit_denials.js';
import { notificationsMigration } from './0016_notifications.js';
import { verifiedIdentityMigration } from './0017_verified_identity.js';
import { cohortRollupMigration } from './0020_cohort_rollup.js';
import { marketingCostsMigration } from './0021_marketing_costs.js';
import { followUpPlansMigration } from './0022_follow_up_plans.js';
import { handoverPoolMigration } from './0023_handover_pool.js';
import { outboxRetentionMigration } from './0024_outbox_retention.js';
import { doctorAccountsMigration } from './0025_doctor_accounts.js';
import { visitNotesMigration } from './0026_visit_notes.js';
import { consultationsMigration } from './0027_consultations.js';
import { visitReasonMigration } from './0028_visit_reason.js';

/**
 * Migrations are listed in code (not read from a folder) so that they run the same from
 * source, from a bundle and in tests. Names sort in execution order.
 */
function migrationsFor(dialect: DialectName): Record<string, Migration> {
  return {
    '0001_initial': initialMigration(dialect),
    '0002_pool_life': poolLifeMigration(dialect),
    '0003_patient_pool': patientPoolMigration(),
    '0004_staff_catalogs': staffCatalogsMigration(dialect),
    '0005_appointments': appointmentsMigration(dialect),
    '0006_statistics': statisticsMigration(),
    '0007_performance': performanceMigration(dialect),
    '0008_statistics_rollup': statisticsRollupMigration(dialect),
    '0009_keyword_search': keywordSearchMigration(dialect),
    '0010_keyword_digit_grams': keywordDigitGramsMigration(dialect),
    '0011_pool_counts': poolCountsMigration(dialect),
    '0012_keyword_gram_lists': keywordGramListsMigration(dialect),
    '0013_avatar_files': avatarFilesMigration(),
    '0014_phone_lookups': phoneLookupsMigration(dialect),
    '0015_audit_denials': auditDenialsMigration(),
    '0016_notifications': notificationsMigration(dialect),
    '0017_verified_identity': verifiedIdentityMigration(dialect),
    '0020_cohort_rollup': cohortRollupMigration(dialect),
    '0021_marketing_costs': marketingCostsMigration(),
    '0022_follow_up_plans': followUpPlansMigration(dialect),
    '0023_handover_pool': handoverPoolMigration(),
    '0024_outbox_retention': outboxRetentionMigration(),
    '0025_doctor_accounts': doctorAccountsMigration(),
    '0026_visit_notes': visitNotesMigration(dialect),
    '0027_consultations': consultationsMigration(dialect),
    '0028_visit_reason': visitReasonMigration(),
  };
}

export async function migrateToLatest(db: Kysely<Database>, dialect: DialectName): Promise<string[]> {
  return migrateTo(db, dialect);
}

/**
 * Brings the database of `database` (opened from `url`) to the latest schema, as a server or a
 * command does before its work, on a maintenance connection: on the request pool, a statement
 * over a large pool (an index at a million patients) would be cut by the request timeouts, and
 * the upgrade would fail.
 */
export async function migrateForService(url: string, database: DatabaseHandle): Promise<string[]> {
  return onMaintenanceConnection(url, database.db, database.dialect, (db) => migrateToLatest(db, database.dialect));
}

/** Up to and including `last` (default: all): upgrade tests build a database as an older release left it. */
export async function migrateTo(db: Kysely<Database>, dialect: DialectName, last?: string): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialect) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = last === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(last);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
