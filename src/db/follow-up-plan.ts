import { type Kysely, sql } from 'kysely';
import type { DialectName } from './database.js';
import type { Database } from './schema.js';

/*
 * Each patient's follow-up plan (migration 0022): the time of the latest contact
 * (patients.last_contact_at) and the next date it asked for (patients.next_follow_up_date).
 * A newer contact replaces the older plan, whoever made it, so the plan belongs to the patient
 * and moves with them when they are handed over or claimed from the shared pool. The worklist,
 * the dashboard's 待回访 and the pool's "no follow-up for N days" read these two columns
 * through indexes instead of finding every patient's latest contact.
 *
 * A trigger on follow_ups keeps them, whatever the write path (the follow-up route, the demo
 * seed, raw SQL): a contact that is not earlier than the latest replaces the plan (equal
 * times: the newer row, whose id is higher, wins, as the timeline orders them). Follow-ups are
 * never edited, and deleted only with their patient (purge), so inserts are all it watches.
 */

const PLAN_UPDATE =
  'update patients set last_contact_at = new.contact_time, next_follow_up_date = new.next_follow_up_date ' +
  'where id = new.patient_id and (last_contact_at is null or last_contact_at <= new.contact_time)';

export async function createFollowUpPlanTrigger(db: Kysely<Database>, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') {
    await sql
      .raw(`create trigger follow_ups_plan_insert after insert on follow_ups for each row begin ${PLAN_UPDATE}; end`)
      .execute(db);
    return;
  }
  await sql
    .raw(
      `create function follow_ups_plan_insert() returns trigger language plpgsql as $$ begin ${PLAN_UPDATE}; return null; end $$`,
    )
    .execute(db);
  await sql
    .raw(
      'create trigger follow_ups_plan_insert after insert on follow_ups for each row execute function follow_ups_plan_insert()',
    )
    .execute(db);
}

export async function dropFollowUpPlanTrigger(db: Kysely<Database>, dialect: DialectName): Promise<void> {
  await sql
    .raw(`drop trigger if exists follow_ups_plan_insert${dialect === 'postgres' ? ' on follow_ups' : ''}`)
    .execute(db);
  if (dialect === 'postgres') await sql.raw('drop function if exists follow_ups_plan_insert()').execute(db);
}

/**
 * The statement that sets every patient's plan from their follow-ups (the migration; a bulk load
 * without the trigger): set-based, each patient's latest contact found by one window over
 * follow_ups, where a subquery per patient cost a lookup each (PostgreSQL, 50k patients: 3.5 s).
 */
export function followUpPlansRebuildSql(): string {
  const latest =
    'select patient_id, contact_time, next_follow_up_date from (select patient_id, contact_time, next_follow_up_date, ' +
    'row_number() over (partition by patient_id order by contact_time desc, id desc) as position from follow_ups) ranked ' +
    'where position = 1';
  return (
    'update patients set last_contact_at = latest.contact_time, next_follow_up_date = latest.next_follow_up_date ' +
    `from (${latest}) latest where patients.id = latest.patient_id`
  );
}

export async function rebuildFollowUpPlans(db: Kysely<Database>): Promise<void> {
  await sql.raw(followUpPlansRebuildSql()).execute(db);
}
