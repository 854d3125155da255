import type { ExpressionBuilder, Kysely } from 'kysely';
import type { AuditActorType, AuditLogTable, AuditOutcome, Database } from '../../db/schema.js';

export interface AuditLogFilters {
  actorType?: AuditActorType;
  actorId?: number;
  action?: string;
  targetType?: string;
  targetId?: string;
  outcome?: AuditOutcome;
  fromMs?: number;
  toMs?: number;
}

type AuditScope = ExpressionBuilder<Database & { a: AuditLogTable }, 'a'>;

function conditions(eb: AuditScope, filters: AuditLogFilters) {
  const list = [];
  if (filters.actorType !== undefined) list.push(eb('a.actor_type', '=', filters.actorType));
  if (filters.actorId !== undefined) list.push(eb('a.actor_id', '=', filters.actorId));
  if (filters.action !== undefined) list.push(eb('a.action', '=', filters.action));
  if (filters.targetType !== undefined) list.push(eb('a.target_type', '=', filters.targetType));
  if (filters.targetId !== undefined) list.push(eb('a.target_id', '=', filters.targetId));
  if (filters.outcome !== undefined) list.push(eb('a.outcome', '=', filters.outcome));
  if (filters.fromMs !== undefined) list.push(eb('a.occurred_at', '>=', filters.fromMs));
  if (filters.toMs !== undefined) list.push(eb('a.occurred_at', '<=', filters.toMs));
  return eb.and(list);
}

/**
 * Reads the append-only audit log (writes live in AuditRepository). Every filter has an
 * index ending in occurred_at, so the newest-first page is an index range scan.
 */
export class AuditQueryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(filters: AuditLogFilters, paging: { page: number; pageSize: number }) {
    const rows = await this.db
      .selectFrom('audit_log as a')
      // Staff actors get their current username / display name in the same query.
      .leftJoin('staff_users as u', (join) => join.onRef('u.id', '=', 'a.actor_id').on('a.actor_type', '=', 'staff'))
      .selectAll('a')
      .select(['u.username as actor_username', 'u.display_name as actor_display_name'])
      .where((eb) => conditions(eb, filters))
      .orderBy('a.occurred_at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(paging.pageSize)
      .offset((paging.page - 1) * paging.pageSize)
      .execute();
    const counted = await this.db
      .selectFrom('audit_log as a')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where((eb) => conditions(eb, filters))
      .executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }

  /** Denial counts for the (actor, route, minute) buckets of access.denied rows (see DeniedAccessRecorder). */
  async denialAttempts(buckets: DenialBucket[]): Promise<Map<string, number>> {
    const attempts = new Map<string, number>();
    if (buckets.length === 0) return attempts;
    const rows = await this.db
      .selectFrom('audit_denials')
      .select(['actor_id', 'route', 'minute', 'attempts'])
      .where((eb) =>
        eb.or(
          buckets.map((bucket) =>
            eb.and([
              eb('actor_id', '=', bucket.actorId),
              eb('route', '=', bucket.route),
              eb('minute', '=', bucket.minute),
            ]),
          ),
        ),
      )
      .execute();
    for (const row of rows)
      attempts.set(
        denialKey({ actorId: row.actor_id, route: row.route, minute: Number(row.minute) }),
        Number(row.attempts),
      );
    return attempts;
  }
}

/** One staff account's denials on one route within one minute. */
export interface DenialBucket {
  actorId: number;
  route: string;
  minute: number;
}

export const denialKey = (bucket: DenialBucket): string => `${bucket.actorId} ${bucket.minute} ${bucket.route}`;
