import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/schema.js';
import { type PatientScope, scopeCondition } from './patient-scope.js';

/**
 * The check every feature that works on one patient (follow-ups, visits) makes first: is this a
 * live record within the caller's scope? Answered alike for "no such patient" and "not yours",
 * so that ids do not leak.
 */
export class VisiblePatients {
  constructor(private readonly db: Kysely<Database>) {}

  async includes(patientId: number, scope: PatientScope, db: Executor = this.db): Promise<boolean> {
    const row = await db
      .selectFrom('patients')
      .select('id')
      .where((eb) => eb.and([eb('patients.id', '=', patientId), scopeCondition(eb, scope)]))
      .executeTakeFirst();
    return row !== undefined;
  }
}
