import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AuditRepository } from '../../domain/audit.js';
import { auditActorOf } from '../../http/request-context.js';

const MINUTE_MS = 60_000;

/** What a route's first path segment holds, for the audit row's target (patient/:id -> patient). */
const TARGET_TYPE_BY_SEGMENT: Record<string, string> = {
  patient: 'patient',
  staff: 'staff_user',
  roles: 'role',
  appointment: 'appointment',
  schedule: 'doctor',
  departments: 'department',
  diseases: 'disease',
  doctors: 'doctor',
  channels: 'channel',
  'advisory-ways': 'advisory_way',
};

/**
 * A staff request refused by a permission check (403), or answered 404 for a record it named by
 * a caller whose view of the pool is scoped to their own patients (another consultant's patient
 * answers 404 so that ids do not leak): a clinic investigating a leak needs to see who tried. Such
 * a caller's 404 on a record that does not exist is recorded too: probing ids is worth seeing, and
 * telling the two apart here would be the oracle the 404 avoids. A caller who sees every patient
 * gets 404 only for what is not there: no denial.
 */
function deniedTarget(
  request: FastifyRequest,
  reply: FastifyReply,
): { targetType: string | undefined; targetId: string | undefined } | undefined {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const id = params.id;
  const namedRecord = id !== undefined && id !== null && String(id) !== '';
  const scopedView = !request.staff?.permissions.has('patients:view_all');
  if (reply.statusCode !== 403 && !(reply.statusCode === 404 && namedRecord && scopedView)) return undefined;
  const routeUrl = request.routeOptions.url ?? '';
  const segment = routeUrl.replace(/^\/back_end\/api\/v1\//, '').split('/')[0] ?? '';
  return {
    targetType: namedRecord ? (TARGET_TYPE_BY_SEGMENT[segment] ?? segment) : undefined,
    targetId: namedRecord ? String(id).slice(0, 64) : undefined,
  };
}

/**
 * Audits denied staff requests without letting a loop of them flood the audit log: per staff
 * account, route and minute, the first denial writes an `access.denied` row and the rest add to
 * its count (audit_denials), which the log shows beside it.
 */
export class DeniedAccessRecorder {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditRepository,
  ) {}

  /** onResponse hook of the staff API: after the answer has gone, so a denial costs the caller nothing. */
  install(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      if (!request.staff) return;
      const target = deniedTarget(request, reply);
      if (!target) return;
      try {
        await this.record(request, reply.statusCode, target);
      } catch (error) {
        request.log.warn({ err: error }, 'could not audit a denied request');
      }
    });
  }

  private async record(
    request: FastifyRequest,
    status: number,
    target: { targetType: string | undefined; targetId: string | undefined },
  ): Promise<void> {
    const actor = auditActorOf(request);
    const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
    const minute = Math.floor(Date.now() / MINUTE_MS);
    await this.db.transaction().execute(async (trx) => {
      const bucket = await trx
        .insertInto('audit_denials')
        .values({ actor_id: request.staff!.id, route, minute, attempts: 1 })
        .onConflict((conflict) =>
          conflict
            .columns(['actor_id', 'route', 'minute'])
            .doUpdateSet((eb) => ({ attempts: eb('audit_denials.attempts', '+', 1) })),
        )
        .returning('attempts')
        .executeTakeFirstOrThrow();
      if (Number(bucket.attempts) > 1) return;
      await this.audit.record(
        actor,
        {
          action: 'access.denied',
          targetType: target.targetType,
          targetId: target.targetId,
          outcome: 'denied',
          details: { route, status, minute },
        },
        trx,
      );
    });
  }
}
