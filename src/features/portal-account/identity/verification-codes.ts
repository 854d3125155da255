import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database, NotificationLanguage, VerificationPurpose } from '../../../db/schema.js';
import type { AuditActor } from '../../../domain/audit.js';
import type { ClinicClock } from '../../../domain/clinic-time/clinic-clock.js';
import type { PatientNotices } from '../../../domain/patient-notices.js';
import { maskPhone } from '../../../domain/phone.js';
import { AppError } from '../../../http/errors.js';
import type { CoreServices } from '../../../services.js';
import type { VerificationRepository } from './verification-repository.js';

export const CODE_LIFETIME_SECONDS = 5 * 60;
export const MAX_CHECKS_PER_CODE = 5;
export const RESEND_SECONDS = 60;

export interface CodeRequest {
  phone: string;
  purpose: VerificationPurpose;
  /** A change of phone: the account asking, the only one that may use the code. */
  accountId: number | null;
  language: NotificationLanguage;
}

const wrongCode = (message = '验证码错误或已过期') =>
  new AppError('invalid_value', `参数不合法: code（${message}）`, { extra: { field: 'code' } });

/**
 * Six-digit codes that prove a phone. A code is kept only as an HMAC under a key derived from the
 * server's secret (a copy of the database cannot be turned back into live codes), lives
 * CODE_LIFETIME_SECONDS, allows MAX_CHECKS_PER_CODE comparisons (each reserved before it is
 * made), and is used once, in the transaction of what it allows. A new code replaces the
 * previous one. Requests are limited per phone (one per RESEND_SECONDS, a daily cap) and per
 * client address (a daily cap), in the database so every instance counts together.
 *
 * A request is answered the same whether or not the phone is known to the clinic or has an
 * account: the same work is done (a code stored, an SMS queued) for every phone.
 */
export class VerificationCodes {
  constructor(
    private readonly core: CoreServices,
    private readonly repository: VerificationRepository,
    private readonly notices: PatientNotices,
    private readonly clock: ClinicClock,
    private readonly key: Buffer,
    private readonly limits: { perPhone: number; perIp: number },
  ) {}

  private hash(phone: string, purpose: VerificationPurpose, code: string): string {
    return createHmac('sha256', this.key).update(`${purpose}:${phone}:${code}`).digest('hex');
  }

  async request(request: CodeRequest, actor: AuditActor, now: number) {
    const day = this.clock.dateAt(now);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.core.db.transaction().execute(async (trx) => {
      // Phone before address, everywhere: two transactions never wait on each other in a cycle.
      const phoneKey = `phone:${request.phone}`;
      if (!(await this.repository.countRequest(phoneKey, day, now, this.limits.perPhone, RESEND_SECONDS, trx)))
        throw await this.refusal(phoneKey, trx, now, '该手机号获取验证码过于频繁');
      const ipKey = `ip:${actor.ip ?? 'unknown'}`;
      if (!(await this.repository.countRequest(ipKey, day, now, this.limits.perIp, 0, trx)))
        throw await this.refusal(ipKey, trx, now, '获取验证码次数过多');
      await this.repository.supersede(request.phone, request.purpose, now, trx);
      await this.repository.insert(
        {
          phone: request.phone,
          purpose: request.purpose,
          accountId: request.accountId,
          codeHash: this.hash(request.phone, request.purpose, code),
          now,
          expiresAt: now + CODE_LIFETIME_SECONDS,
        },
        trx,
      );
      await this.notices.enqueue(trx, [
        {
          event: 'verification_code',
          phone: request.phone,
          code,
          minutes: CODE_LIFETIME_SECONDS / 60,
          language: request.language,
        },
      ]);
      await this.core.audit.record(
        { ...actor, label: actor.label ?? maskPhone(request.phone) },
        { action: 'portal.verification_code', details: { phone: maskPhone(request.phone), purpose: request.purpose } },
        trx,
      );
    });
    return { resend_after: RESEND_SECONDS, expires_in: CODE_LIFETIME_SECONDS };
  }

  /** 429 with the wait: until the phone may ask again, or until the next clinic day for a daily cap. */
  private async refusal(key: string, trx: Transaction<Database>, now: number, message: string): Promise<AppError> {
    const state = await this.repository.limitState(key, trx);
    const nextDay = this.clock.periodsAround(now).dayEnd + 1;
    const resendAt = key.startsWith('phone:') && state ? Number(state.last_request_at) + RESEND_SECONDS : now;
    const dailyCapReached = state?.day === this.clock.dateAt(now) && resendAt <= now;
    const retryAfterSeconds = Math.max(1, (dailyCapReached ? nextDay : resendAt) - now);
    return new AppError('rate_limited', `${message}，请 ${retryAfterSeconds} 秒后再试`, { retryAfterSeconds });
  }

  /**
   * Checks a code for the phone and purpose, and answers its id (to be consumed in the
   * transaction of what it allows). A wrong code is a 400 naming code; a code that has had
   * its MAX_CHECKS_PER_CODE checks is dead (429: ask for a new one).
   */
  async check(
    input: { phone: string; purpose: VerificationPurpose; code: string; accountId: number | null },
    actor: AuditActor,
    now: number,
  ): Promise<number> {
    const latest = await this.repository.latest(input.phone, input.purpose, input.accountId);
    if (!latest || latest.consumed_at !== null || Number(latest.expires_at) <= now) throw wrongCode();
    if (!(await this.repository.reserveCheck(latest.id, now, MAX_CHECKS_PER_CODE))) {
      throw new AppError('too_many_attempts', '验证码错误次数过多，请重新获取验证码', {
        retryAfterSeconds: Math.max(1, Number(latest.expires_at) - CODE_LIFETIME_SECONDS + RESEND_SECONDS - now),
      });
    }
    const given = Buffer.from(this.hash(input.phone, input.purpose, input.code));
    const expected = Buffer.from(latest.code_hash);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      await this.core.audit.record(
        { ...actor, label: actor.label ?? maskPhone(input.phone) },
        {
          action: 'portal.verification_failed',
          outcome: 'failure',
          details: { phone: maskPhone(input.phone), purpose: input.purpose, check: latest.attempts + 1 },
        },
      );
      throw wrongCode('验证码错误');
    }
    return latest.id;
  }

  /** In the transaction of what the code allowed: a code used by a concurrent request first is refused. */
  async consume(codeId: number, now: number, trx: Transaction<Database>): Promise<void> {
    if (!(await this.repository.consume(codeId, now, trx))) throw wrongCode('验证码已使用');
  }

  purgeStale(now: number): Promise<number> {
    return this.repository.purgeStale(now, this.clock.dateAt(now));
  }
}
