import type { Kysely, Transaction } from 'kysely';
import type { AuditActorType, AuditOutcome, Database } from '../db/schema.js';

/**
 * Typed audit events. The log is append-only: this repository inserts and reads, nothing
 * updates or deletes it. Callers pass their transaction so an event is written together
 * with the change it describes, or not at all.
 */
export type AuditAction =
  | 'staff.login'
  | 'staff.login_failed'
  | 'staff.lockout'
  | 'staff.logout'
  | 'staff.token_refresh'
  | 'patient.create'
  | 'patient.read'
  | 'patient.update'
  | 'patient.arrival'
  | 'patient.delete'
  | 'patient.restore'
  | 'patient.purge'
  | 'patient.follow_up'
  | 'patient.export'
  | 'patient.import'
  | 'patient.phone_lookup'
  | 'patient.handover'
  | 'patient.pool_return'
  | 'patient.pool_claim'
  | 'visit_note.read'
  | 'consultation.open'
  | 'consultation.read'
  | 'consultation.image_read'
  | 'consultation.close'
  | 'visit_note.create'
  | 'visit_note.amend'
  | 'visit_note.release'
  | 'visit_note.attachment_upload'
  | 'visit_note.attachment_read'
  | 'statistics.costs_set'
  | 'statistics.costs_import'
  | 'portal.register'
  | 'portal.login'
  | 'portal.login_failed'
  | 'portal.lockout'
  | 'portal.logout'
  | 'portal.profile_update'
  | 'portal.password_change'
  | 'portal.avatar_upload'
  | 'portal.verification_code'
  | 'portal.verification_failed'
  | 'portal.claim'
  | 'portal.password_reset'
  | 'portal.account_link'
  | 'portal.unlock'
  | 'portal.notification_settings'
  | 'portal.wechat_link'
  | 'portal.wechat_unlink'
  | 'portal.visit_notes_read'
  | 'portal.visit_note_attachment_read'
  | 'appointment.book'
  | 'appointment.cancel'
  | 'appointment.arrive'
  | 'appointment.seen'
  | 'appointment.miss'
  | 'schedule.weekly_set'
  | 'schedule.weekly_remove'
  | 'schedule.exception_add'
  | 'schedule.exception_remove'
  | 'staff_user.create'
  | 'staff_user.update'
  | 'staff_user.password_reset'
  | 'staff_user.password_change'
  | 'staff_user.delete'
  | 'staff_user.doctor_link'
  | 'staff_user.doctor_unlink'
  | 'role.create'
  | 'role.update'
  | 'role.delete'
  | 'role.permissions_update'
  | 'catalog.create'
  | 'catalog.update'
  | 'catalog.delete'
  | 'notification.log_read'
  | 'notification.retry'
  | 'notification.template_update'
  | 'access.denied';

/** Who acted, from where: taken from the request. */
export interface AuditActor {
  type: AuditActorType;
  id: number | null;
  label?: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditEvent {
  action: AuditAction;
  targetType?: string;
  targetId?: string | number;
  outcome?: AuditOutcome;
  details?: Record<string, unknown>;
}

const USER_AGENT_MAX = 300;

export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(
    actor: AuditActor,
    event: AuditEvent,
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<void> {
    await this.recordMany(actor, [event], db);
  }

  /** Several events of one actor in one statement (e.g. every booking a cancelled session drops). */
  async recordMany(
    actor: AuditActor,
    events: AuditEvent[],
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<void> {
    if (events.length === 0) return;
    const occurredAt = Date.now();
    await db
      .insertInto('audit_log')
      .values(
        events.map((event) => ({
          occurred_at: occurredAt,
          actor_type: actor.type,
          actor_id: actor.id,
          actor_label: actor.label ?? null,
          action: event.action,
          target_type: event.targetType ?? null,
          target_id: event.targetId === undefined ? null : String(event.targetId),
          outcome: event.outcome ?? 'success',
          ip: actor.ip,
          user_agent: actor.userAgent ? actor.userAgent.slice(0, USER_AGENT_MAX) : null,
          request_id: actor.requestId,
          details: event.details ? JSON.stringify(event.details) : null,
        })),
      )
      .execute();
  }
}
