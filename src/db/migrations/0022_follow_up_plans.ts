import { type Kysely, type Migration, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../database.js';
import { createFollowUpPlanTrigger, dropFollowUpPlanTrigger, rebuildFollowUpPlans } from '../follow-up-plan.js';

/*
 * The consultants' follow-up worklist (issue 17): each patient's plan, the latest contact's
 * time and next date, on the patient row (db/follow-up-plan.ts), kept by a trigger on
 * follow_ups and filled here from the follow-ups on record.
 *
 * Indexes, both partial (only planned, live patients): a consultant's due list and the
 * dashboard's 待回访 count read (author_id, next_follow_up_date) from the index alone; a
 * manager's list across consultants reads next_follow_up_date in date order. Without them a
 * worklist at a million patients would look for each patient's latest contact.
 */
const PLANNED_LIVE = sql<SqlBool>`next_follow_up_date is not null and deleted_at is null`;

export function followUpPlansMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('patients').addColumn('last_contact_at', 'bigint').execute();
      await db.schema.alterTable('patients').addColumn('next_follow_up_date', 'text').execute();
      await rebuildFollowUpPlans(db);
      await createFollowUpPlanTrigger(db, dialect);
      await db.schema
        .createIndex('patients_author_follow_up_idx')
        .on('patients')
        .columns(['author_id', 'next_follow_up_date', 'deleted_at'])
        .where(PLANNED_LIVE)
        .execute();
      await db.schema
        .createIndex('patients_follow_up_idx')
        .on('patients')
        .columns(['next_follow_up_date', 'deleted_at'])
        .where(PLANNED_LIVE)
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('patients_follow_up_idx').ifExists().execute();
      await db.schema.dropIndex('patients_author_follow_up_idx').ifExists().execute();
      await dropFollowUpPlanTrigger(db, dialect);
      await db.schema.alterTable('patients').dropColumn('next_follow_up_date').execute();
      await db.schema.alterTable('patients').dropColumn('last_contact_at').execute();
    },
  };
}
