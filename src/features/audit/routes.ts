import { AppError, invalidField } from '../../http/errors.js';
import { withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { type AuditQueryRepository, type DenialBucket, denialKey } from './audit-query-repository.js';
import { AuditLogQuery, AuditLogResponse } from './schemas.js';

function parseDetails(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { value: parsed };
  } catch {
    return { raw: text };
  }
}

/** The (actor, route, minute) bucket an access.denied row stands for (see DeniedAccessRecorder). */
function denialBucketOf(
  row: { action: string; actor_id: number | null },
  details: Record<string, unknown> | null,
): DenialBucket | undefined {
  if (row.action !== 'access.denied' || row.actor_id === null) return undefined;
  if (typeof details?.route !== 'string' || typeof details.minute !== 'number') return undefined;
  return { actorId: Number(row.actor_id), route: details.route, minute: details.minute };
}

/** The audit log is read-only over HTTP: no route changes or deletes an entry. */
export function registerAuditRoutes(app: TypedApp, repository: AuditQueryRepository): void {
  app.get('/logs', {
    schema: {
      tags: ['staff: audit log'],
      summary: 'The audit log (操作日志), newest first, filtered and paged',
      description:
        'Filters combine with AND. actor_id without actor_type means a staff user; target_id needs target_type (400). ' +
        'from / to are Unix milliseconds (UTC), inclusive. Staff actors come with their username and display name. ' +
        'A staff request refused by a permission check (403), or answered 404 for a record it named, is an `access.denied` ' +
        'entry (outcome denied, details.route and status); repeats by one account on one route within a minute share one ' +
        'entry, whose `attempts` counts them.',
      querystring: AuditLogQuery,
      response: withErrors('staff', { 200: AuditLogResponse }, [400, 401, 403]),
    },
    config: { access: 'logs:view' },
    handler: async (request) => {
      const q = request.query;
      if (q.target_id !== undefined && q.target_type === undefined) {
        throw new AppError('parameter_missing', '缺少参数: target_type（按 target_id 查询时必填）');
      }
      if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
        throw invalidField('from', '不能晚于 to');
      }
      const { rows, total } = await repository.list(
        {
          actorType: q.actor_type ?? (q.actor_id !== undefined ? 'staff' : undefined),
          actorId: q.actor_id,
          action: q.action,
          targetType: q.target_type,
          targetId: q.target_id,
          outcome: q.outcome,
          fromMs: q.from,
          toMs: q.to,
        },
        { page: q.page, pageSize: q.page_size },
      );
      const details = rows.map((row) => parseDetails(row.details));
      const buckets = rows.map((row, index) => denialBucketOf(row, details[index] ?? null));
      const attempts = await repository.denialAttempts(buckets.filter((bucket) => bucket !== undefined));
      const entries = rows.map((row, index) => ({
        id: String(row.id),
        occurredAt: Number(row.occurred_at),
        time: new Date(Number(row.occurred_at)).toISOString(),
        actorType: row.actor_type,
        actorId: row.actor_id === null ? null : String(row.actor_id),
        actorLabel: row.actor_label,
        actorUsername: row.actor_username ?? null,
        actorDisplayName: row.actor_display_name ?? null,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        outcome: row.outcome,
        ip: row.ip,
        userAgent: row.user_agent,
        requestId: row.request_id,
        details: details[index] ?? null,
        attempts: buckets[index] ? (attempts.get(denialKey(buckets[index])) ?? 1) : null,
      }));
      return { entries, total, page: q.page, pageSize: q.page_size };
    },
  });
}
