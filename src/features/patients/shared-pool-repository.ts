import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../../db/database.js';
import type { Database, Executor } from '../../db/schema.js';
import { livePatient } from '../../domain/patient-scope.js';
import { movePatients } from './patient-moves.js';
import { LIST_COLUMNS } from './repository.js';

const listColumns = LIST_COLUMNS.map((column) => `patients.${column}` as const);

/**
 * The shared pool (公海, migration 0023): the live patients without a consultant. They come from
 * portal self-registration, and from the POOL_RETURN_DAYS rule, which returns a consultant's
 * patients who have had no follow-up for that long; any holder of patients:pool may claim one.
 */
export class SharedPoolRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  /** A page of the pool, newest registrations first (the (author_id, deleted_at, add_time) index). */
  async list(filters: { mediaFromId?: number; state?: number }, paging: { page: number; pageSize: number }) {
    let base = this.db
      .selectFrom('patients')
      .where('patients.author_id', 'is', null)
      .where((eb) => livePatient(eb));
    if (filters.mediaFromId !== undefined) base = base.where('patients.media_from_id', '=', filters.mediaFromId);
    if (filters.state !== undefined) base = base.where('patients.state', '=', filters.state);
    const rows = await base
      .select([...listColumns, 'patients.pooled_at', 'patients.last_contact_at'])
      .orderBy('patients.add_time', 'desc')
      .orderBy('patients.id', 'desc')
      .limit(paging.pageSize)
      .offset((paging.page - 1) * paging.pageSize)
      .execute();
    const counted = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }

  /**
   * The claim: the patient becomes the claimer's if, and only if, it is still in the pool. One
   * guarded UPDATE, so of concurrent claims exactly one changes the row (PostgreSQL re-reads a
   * row another transaction changed before updating it; SQLite has one writer).
   */
  async claim(patientId: number, staffId: number, now: number, trx: Executor): Promise<boolean> {
    const result = await trx
      .updateTable('patients')
      .set({ author_id: staffId, pooled_at: null, updated_at: now })
      .where('id', '=', patientId)
      .where('author_id', 'is', null)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Whether the patient exists and is live (to tell "already claimed" from "no such patient"). */
  async isLive(patientId: number, trx: Executor): Promise<boolean> {
    const row = await trx
      .selectFrom('patients')
      .select('id')
      .where('id', '=', patientId)
      .where((eb) => livePatient(eb))
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * The return rule: every consultant's live patient who has not arrived (state 0 未到 or 2 流失),
   * has no booking ahead, and whose latest contact (or registration, when never contacted) is
   * before `idleSince`, goes to the pool. Returns each id with the consultant who held it.
   */
  async returnIdle(idleSince: number, now: number, trx: Executor): Promise<{ id: number; fromAuthor: number }[]> {
    const moved = await movePatients(
      trx,
      this.dialect,
      (eb) =>
        eb.and([
          eb('patients.author_id', 'is not', null),
          eb('patients.deleted_at', 'is', null),
          eb(sql`coalesce(${sql.ref('patients.last_contact_at')}, ${sql.ref('patients.add_time')})`, '<', idleSince),
          eb('patients.state', '<>', 1),
          eb.or([eb('patients.order_time', 'is', null), eb('patients.order_time', '<=', now)]),
        ]),
      { author_id: null, pooled_at: now, updated_at: now },
    );
    return moved.map((patient) => ({ id: patient.id, fromAuthor: Number(patient.fromAuthor) }));
  }
}
