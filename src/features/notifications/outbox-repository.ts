import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DialectName } from '../../db/database.js';
import type {
  Database,
  Executor,
  NotificationChannel,
  NotificationOutboxTable,
  NotificationStatus,
} from '../../db/schema.js';
import { type PatientScope, scopeOnly } from '../../domain/patient-scope.js';

/** Messages about patients in the caller's scope (a message to no patient only for 'all'). */
// biome-ignore lint/suspicious/noExplicitAny: any select query over the outbox joined to its patient `p`
function withinScope<Q extends { where: (expression: any) => Q }>(query: Q, scope: PatientScope): Q {
  const scoped = scopeOnly(scope, 'p');
  return scoped === null ? query : query.where(scoped);
}

export type OutboxRow = Selectable<NotificationOutboxTable>;
export type NewOutboxRow = Insertable<NotificationOutboxTable>;

/** How one attempt ended, as the worker records it. */
export interface AttemptOutcome {
  transport: string;
  answer: string | null;
  /** Security messages: body and params with the code blanked, once it no longer needs sending. */
  redacted?: { body: string; params: string };
}

/** How one claimed row ends its attempt. */
export type Settlement =
  | { id: number; kind: 'sent'; providerMessageId: string | null; outcome: AttemptOutcome }
  | { id: number; kind: 'retry'; error: string; nextAttemptAt: number; outcome: AttemptOutcome }
  | { id: number; kind: 'failed'; error: string; outcome: AttemptOutcome };

function changesOf(settlement: Settlement, now: number): Partial<Insertable<NotificationOutboxTable>> {
  switch (settlement.kind) {
    case 'sent':
      return { status: 'sent', sent_at: now, provider_message_id: settlement.providerMessageId, last_error: null };
    case 'retry':
      return { status: 'pending', next_attempt_at: settlement.nextAttemptAt, last_error: clip(settlement.error) };
    case 'failed':
      return { status: 'failed', last_error: clip(settlement.error) };
  }
}

export interface DeliveryLogFilters {
  patientId?: number;
  event?: string;
  channel?: NotificationChannel;
  status?: NotificationStatus;
  fromMs?: number;
  toMs?: number;
}

const ANSWER_MAX = 2000;
const clip = (text: string | null) => (text === null ? null : text.slice(0, ANSWER_MAX));

/** The outbox table: written by the outbox in business transactions, claimed and settled by the worker. */
export class OutboxRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  async insert(rows: readonly NewOutboxRow[], db: Executor): Promise<void> {
    if (rows.length === 0) return;
    await db.insertInto('notification_outbox').values(rows).execute();
  }

  /**
   * Takes up to `limit` due rows for this worker in one statement: pending ones whose time has
   * come, and ones left 'sending' by a worker whose lease ran out (it crashed or hung). Each
   * attempt is counted here, before the send, so a message that kills its worker still runs out
   * of attempts. On PostgreSQL the rows are locked and others' locked rows skipped, so workers
   * on several instances never take the same row; SQLite has one writer.
   */
  claim(now: number, leaseUntil: number, token: string, limit: number): Promise<OutboxRow[]> {
    const due = this.db
      .selectFrom('notification_outbox')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .$if(this.dialect === 'postgres', (query) => query.forUpdate().skipLocked());
    return this.db
      .updateTable('notification_outbox')
      .set((eb) => ({
        status: 'sending',
        attempts: eb('attempts', '+', 1),
        claimed_until: leaseUntil,
        claim_token: token,
        updated_at: now,
      }))
      .where('id', 'in', due)
      .returningAll()
      .execute();
  }

  /**
   * Settles the rows of one pass in one transaction (one commit, not one per message: SQLite
   * syncs each commit to disk). A row whose claim was lost (its lease ran out and another worker
   * took it) is left alone; the answer counts the rows settled.
   */
  async settleAll(settlements: readonly Settlement[], token: string, now: number): Promise<number> {
    if (settlements.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      let settled = 0;
      for (const settlement of settlements) {
        const result = await trx
          .updateTable('notification_outbox')
          .set({
            ...changesOf(settlement, now),
            transport: settlement.outcome.transport,
            provider_answer: clip(settlement.outcome.answer),
            claimed_until: null,
            claim_token: null,
            updated_at: now,
            ...(settlement.outcome.redacted ?? {}),
          })
          .where('id', '=', settlement.id)
          .where('claim_token', '=', token)
          .where('status', '=', 'sending')
          .executeTakeFirst();
        settled += Number(result.numUpdatedRows);
      }
      return settled;
    });
  }

  /**
   * A failed message back to the queue. It takes the template code and sign name its template has
   * now: the usual fix for a refused message is to correct them, and the retry must send the fix.
   */
  async retry(id: number, now: number, db: Executor = this.db): Promise<boolean> {
    const result = await db
      .updateTable('notification_outbox')
      .set((eb) => {
        const current = (column: 'provider_template' | 'sign_name') =>
          eb
            .selectFrom('notification_templates as template')
            .select(`template.${column}`)
            .whereRef('template.event', '=', 'notification_outbox.event')
            .whereRef('template.language', '=', 'notification_outbox.language')
            .whereRef('template.channel', '=', 'notification_outbox.channel');
        return {
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          last_error: null,
          updated_at: now,
          provider_template: current('provider_template'),
          sign_name: current('sign_name'),
        };
      })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Reminders not yet sent for appointments that were just cancelled: they would now be wrong. */
  async cancelPendingReminders(appointmentIds: readonly number[], now: number, db: Executor): Promise<void> {
    if (appointmentIds.length === 0) return;
    await db
      .updateTable('notification_outbox')
      .set({ status: 'cancelled', last_error: 'appointment cancelled before the reminder was sent', updated_at: now })
      .where('appointment_id', 'in', appointmentIds)
      .where('event', '=', 'appointment_reminder')
      .where('status', '=', 'pending')
      .execute();
  }

  /** Deletes settled messages (sent, failed, cancelled) last changed before `beforeMs`; answers how many. */
  async purgeSettled(beforeMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('notification_outbox')
      .where('status', 'in', ['sent', 'failed', 'cancelled'])
      .where('updated_at', '<', beforeMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private scoped(scope: PatientScope, filters: DeliveryLogFilters) {
    return this.db
      .selectFrom('notification_outbox as m')
      .leftJoin('patients as p', 'p.id', 'm.patient_id')
      .$call((query) => withinScope(query, scope))
      .$if(filters.patientId !== undefined, (query) => query.where('m.patient_id', '=', filters.patientId!))
      .$if(filters.event !== undefined, (query) => query.where('m.event', '=', filters.event!))
      .$if(filters.channel !== undefined, (query) => query.where('m.channel', '=', filters.channel!))
      .$if(filters.status !== undefined, (query) => query.where('m.status', '=', filters.status!))
      .$if(filters.fromMs !== undefined, (query) => query.where('m.created_at', '>=', filters.fromMs!))
      .$if(filters.toMs !== undefined, (query) => query.where('m.created_at', '<=', filters.toMs!));
  }

  /** The delivery log, newest first, within the caller's view of the pool. */
  async list(scope: PatientScope, filters: DeliveryLogFilters, paging: { page: number; pageSize: number }) {
    const rows = await this.scoped(scope, filters)
      .selectAll('m')
      .select(['p.name as patient_name'])
      .orderBy('m.id', 'desc')
      .limit(paging.pageSize)
      .offset((paging.page - 1) * paging.pageSize)
      .execute();
    const counted = await this.scoped(scope, filters)
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }

  findInScope(id: number, scope: PatientScope, db: Executor = this.db) {
    return db
      .selectFrom('notification_outbox as m')
      .leftJoin('patients as p', 'p.id', 'm.patient_id')
      .selectAll('m')
      .select(['p.name as patient_name'])
      .where('m.id', '=', id)
      .$call((query) => withinScope(query, scope))
      .executeTakeFirst();
  }

  async statusCounts(): Promise<Record<NotificationStatus, number>> {
    const rows = await this.db
      .selectFrom('notification_outbox')
      .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('status')
      .execute();
    const counts: Record<NotificationStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 };
    for (const row of rows) counts[row.status] = Number(row.count);
    return counts;
  }
}
