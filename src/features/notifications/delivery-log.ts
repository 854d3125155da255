import type { NotificationChannel, NotificationStatus } from '../../db/schema.js';
import type { AuditActor } from '../../domain/audit.js';
import { canSeeFullPhone, scopeOf } from '../../domain/patient-scope.js';
import { maskPhone } from '../../domain/phone.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { AppError } from '../../http/errors.js';
import type { MessagesConfig } from '../../messages-config.js';
import type { CoreServices } from '../../services.js';
import type { DeliveryLogFilters, OutboxRepository, OutboxRow } from './outbox-repository.js';

const MASK = '******';

/** What a viewer who sees phones masked sees of an address: a phone as the pool shows it, the rest shortened. */
function maskedRecipient(channel: NotificationChannel, recipient: string): string {
  if (channel === 'sms') return maskPhone(recipient);
  if (channel === 'email') {
    const [local = '', domain = ''] = recipient.split('@');
    return `${local.slice(0, 1)}***@${domain}`;
  }
  return `${recipient.slice(0, 4)}…`;
}

/** A verification code is never shown, sent or not (the worker blanks it once it is settled). */
function withoutCode(row: Pick<OutboxRow, 'event' | 'body' | 'params'>): {
  body: string;
  params: Record<string, string>;
} {
  let params: Record<string, string> = {};
  try {
    params = JSON.parse(row.params) as Record<string, string>;
  } catch {
    // shown without parameters
  }
  const code = params.code;
  if (!code || code === MASK) return { body: row.body, params };
  return { body: row.body.replaceAll(code, MASK), params: { ...params, code: MASK } };
}

/**
 * The back office's view of the outbox: the delivery log within the caller's view of the pool
 * (a caller who sees only their own patients sees only their messages), phones masked unless
 * the role sees full numbers, codes never shown; and the retry of a failed message, audited.
 */
export class DeliveryLog {
  constructor(
    private readonly core: CoreServices,
    private readonly outbox: OutboxRepository,
    private readonly config: MessagesConfig,
  ) {}

  async list(
    staff: StaffPrincipal,
    filters: DeliveryLogFilters,
    paging: { page: number; pageSize: number },
    actor: AuditActor,
  ) {
    const scope = scopeOf(staff);
    const { rows, total } = await this.outbox.list(scope, filters, paging);
    // Reading one patient's messages is reading that patient's data.
    if (filters.patientId !== undefined)
      await this.core.audit.record(actor, {
        action: 'notification.log_read',
        targetType: 'patient',
        targetId: filters.patientId,
        details: { filters, total },
      });
    const full = canSeeFullPhone(staff);
    return { messages: rows.map((row) => this.view(row, full)), total };
  }

  async retry(staff: StaffPrincipal, id: number, actor: AuditActor, nowMs: number) {
    const scope = scopeOf(staff);
    const row = await this.core.db.transaction().execute(async (trx) => {
      const found = await this.outbox.findInScope(id, scope, trx);
      if (!found) throw new AppError('not_found', '消息不存在');
      if (found.status !== 'failed') throw new AppError('conflict', '只有发送失败的消息可以重发');
      // Its code is blanked once it fails and has expired by now: a resend would text "******".
      if (found.event === 'verification_code')
        throw new AppError('conflict', '验证码消息不能重发：请患者重新获取验证码');
      if (!(await this.outbox.retry(id, nowMs, trx))) throw new AppError('conflict', '只有发送失败的消息可以重发');
      await this.core.audit.record(
        actor,
        {
          action: 'notification.retry',
          targetType: 'notification',
          targetId: id,
          details: {
            patientId: found.patient_id,
            event: found.event,
            channel: found.channel,
            attemptsBefore: found.attempts,
            lastError: found.last_error,
          },
        },
        trx,
      );
      return this.outbox.findInScope(id, scope, trx);
    });
    if (!row) throw new AppError('not_found', '消息不存在');
    return this.view(row, canSeeFullPhone(staff));
  }

  async status() {
    return {
      transports: { sms: this.config.sms, email: this.config.email, wechat: this.config.wechat },
      worker: this.config.worker,
      maxAttempts: this.config.maxAttempts,
      reminders: {
        dayBefore:
          this.config.reminderDayBeforeMinute === null
            ? null
            : `${String(Math.floor(this.config.reminderDayBeforeMinute / 60)).padStart(2, '0')}:${String(this.config.reminderDayBeforeMinute % 60).padStart(2, '0')}`,
        hoursBefore: this.config.reminderHoursBefore,
      },
      counts: await this.outbox.statusCounts(),
    };
  }

  private view(row: OutboxRow & { patient_name: string | null }, fullPhone: boolean) {
    const { body, params } = withoutCode(row);
    return {
      id: String(row.id),
      event: row.event,
      channel: row.channel,
      transport: row.transport,
      status: row.status as NotificationStatus,
      patientId: row.patient_id === null ? null : String(row.patient_id),
      patientName: row.patient_name,
      appointmentId: row.appointment_id === null ? null : String(row.appointment_id),
      recipient: fullPhone ? row.recipient : maskedRecipient(row.channel, row.recipient),
      language: row.language,
      subject: row.subject,
      body,
      params,
      providerTemplate: row.provider_template,
      signName: row.sign_name,
      attempts: row.attempts,
      nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
      lastError: row.last_error,
      providerMessageId: row.provider_message_id,
      providerAnswer: row.provider_answer,
      idempotencyKey: row.idempotency_key,
      createdAt: row.created_at,
      sentAt: row.sent_at,
    };
  }
}
