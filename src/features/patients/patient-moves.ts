import type { Expression, ExpressionBuilder, SqlBool, Updateable } from 'kysely';
import type { DialectName } from '../../db/database.js';
import type { Database, Executor, PatientsTable } from '../../db/schema.js';

/** A patient a bulk move changed, and who held them before. */
export interface MovedPatient {
  id: number;
  fromAuthor: number | null;
}

type Where = (eb: ExpressionBuilder<Database, 'patients'>) => Expression<SqlBool>;

/**
 * Sets `changes` on every patient `where` matches, in one UPDATE, and answers each changed id
 * with its author before the change (for the audit), in the caller's transaction.
 * PostgreSQL: UPDATE ... FROM the matching rows locked FOR UPDATE, RETURNING the old author, so
 * a concurrent claim or edit cannot slip between reading and writing. SQLite cannot return an
 * auxiliary table's column, but has one writer: the transaction takes the write lock first (a
 * write that changes nothing), then reads the matching rows and updates them; no other
 * connection can write in between.
 */
export async function movePatients(
  trx: Executor,
  dialect: DialectName,
  where: Where,
  changes: Updateable<PatientsTable>,
): Promise<MovedPatient[]> {
  const matching = trx
    .selectFrom('patients')
    .select(['patients.id as moving_id', 'patients.author_id as from_author'])
    .where(where);
  if (dialect === 'postgres') {
    const rows = await trx
      .updateTable('patients')
      .from(matching.forUpdate().as('moving'))
      .set(changes)
      .whereRef('patients.id', '=', 'moving.moving_id')
      .returning(['patients.id', 'moving.from_author'])
      .execute();
    return rows.map((row) => ({ id: row.id, fromAuthor: row.from_author }));
  }
  await trx
    .updateTable('patients')
    .set({ updated_at: (eb) => eb.ref('updated_at') })
    .where((eb) => eb.lit(false))
    .execute();
  const rows = await matching.execute();
  if (rows.length > 0) await trx.updateTable('patients').set(changes).where(where).execute();
  return rows.map((row) => ({ id: row.moving_id, fromAuthor: row.from_author }));
}
