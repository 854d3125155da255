import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { DialectName } from '../../db/database.js';
import type { Database, Executor } from '../../db/schema.js';
import type { PatientListFilters } from '../../domain/patient-filters.js';
import { type PatientScope, type PhoneVisibility, scopeCondition } from '../../domain/patient-scope.js';
import { type MovedPatient, movePatients } from './patient-moves.js';
import { patientConditions } from './repository.js';

/** Which patients a handover moves: named ones, or the list's filters. */
export type HandoverSelection = { patientIds: readonly number[] } | { filters: PatientListFilters };

/**
 * Moves patients to another consultant in one statement (patient-moves.ts), answering each id
 * with its previous consultant: 20,000 patients are one UPDATE, not a loop, and the rollup's
 * author rows follow through its triggers.
 */
export class HandoverRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  /** The staff account to hand over to: its name and whether it may still sign in. */
  findStaff(id: number, db: Executor = this.db) {
    return db
      .selectFrom('staff_users')
      .select(['id', 'display_name', 'is_active'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async staffNames(ids: readonly number[], db: Executor = this.db): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('staff_users')
      .select(['id', 'display_name'])
      .where('id', 'in', [...ids])
      .execute();
    return new Map(rows.map((row) => [row.id, row.display_name]));
  }

  async move(
    scope: PatientScope,
    selection: HandoverSelection,
    toStaffId: number,
    phones: PhoneVisibility,
    now: number,
    trx: Executor,
  ): Promise<MovedPatient[]> {
    const matching = (eb: ExpressionBuilder<Database, 'patients'>): Expression<SqlBool> =>
      eb.and([
        scopeCondition(eb, scope),
        ...('patientIds' in selection
          ? [eb('patients.id', 'in', [...selection.patientIds])]
          : patientConditions(eb, selection.filters, this.dialect, phones)),
      ]);
    return movePatients(trx, this.dialect, matching, { author_id: toStaffId, pooled_at: null, updated_at: now });
  }
}
