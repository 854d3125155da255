import { randomInt } from 'node:crypto';
import type { AuditActor } from '../../../domain/audit.js';
import type { PatientNotices } from '../../../domain/patient-notices.js';
import { canSeeFullPhone, scopeOf } from '../../../domain/patient-scope.js';
import { maskPhone } from '../../../domain/phone.js';
import type { StaffPrincipal } from '../../../domain/principals.js';
import { AppError } from '../../../http/errors.js';
import { loginThrottleKeys } from '../../../security/login-throttle.js';
import { hashPassword } from '../../../security/passwords.js';
import type { CoreServices } from '../../../services.js';
import type { PortalAccountRepository } from '../repository.js';
import { type IdentityService, isProvisional } from './identity-service.js';

const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const generatedPassword = () =>
  Array.from({ length: 12 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');

/**
 * What staff do for a patient's portal account at the desk, with patients:portal_account and the
 * record in their view: see it, link it after checking the person's identity, reset its password,
 * lift its sign-in lock. Each is audited.
 */
export class DeskAccountService {
  constructor(
    private readonly core: CoreServices,
    private readonly accounts: PortalAccountRepository,
    private readonly identity: IdentityService,
    private readonly notices: PatientNotices,
  ) {}

  private async record(staff: StaffPrincipal, patientId: number) {
    const record = await this.accounts.findRecordInScope(patientId, scopeOf(staff));
    if (!record) throw new AppError('not_found', '客户不存在');
    return record;
  }

  async view(staff: StaffPrincipal, patientId: number, now: number) {
    const record = await this.record(staff, patientId);
    const show = (phone: string) => (canSeeFullPhone(staff) ? phone : maskPhone(phone));
    const account = await this.accounts.findAccountOfRecord(patientId);
    let linkable = null;
    if (!account && record.tel) {
      const other = await this.accounts.findAccountWithRecord({ phone: record.tel });
      if (other && isProvisional(other))
        linkable = {
          accountId: String(other.id),
          phone: show(other.phone),
          createdAt: Number(other.created_at),
          provisionalPatientId: String(other.patient_id),
        };
    }
    const lockedUntil = account
      ? await this.core.throttle.lockedUntil(loginThrottleKeys('patient', account.phone, '').account, now)
      : null;
    return {
      account: account
        ? {
            id: String(account.id),
            phone: show(account.phone),
            phoneVerified: account.phone_verified_at !== null,
            verifiedAt: account.phone_verified_at === null ? null : Number(account.phone_verified_at),
            createdAt: Number(account.created_at),
            lockedUntil,
          }
        : null,
      linkable,
    };
  }

  /** Staff checked the person's identity: the unverified account registered with this record's phone joins it. */
  async link(staff: StaffPrincipal, patientId: number, actor: AuditActor, now: number) {
    const record = await this.record(staff, patientId);
    await this.core.db.transaction().execute(async (trx) => {
      if (await this.accounts.findAccountOfRecord(patientId, trx))
        throw new AppError('conflict', '该客户已有患者端账号');
      const account = record.tel ? await this.accounts.findAccountWithRecord({ phone: record.tel }, trx) : undefined;
      if (!account) throw new AppError('not_found', '没有使用该客户手机号注册的患者端账号');
      if (!isProvisional(account)) throw new AppError('conflict', '该患者端账号已验证手机号或已关联其他档案');
      const outcome = await this.identity.attachVerified(account, patientId, true, now, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'portal.account_link',
          targetType: 'patient',
          targetId: patientId,
          details: { accountId: account.id, ...outcome },
        },
        trx,
      );
    });
    return this.view(staff, patientId, now);
  }

  /** A new password (given, or generated and shown once): every session ends, the lock lifts, the phone is told. */
  async resetPassword(
    staff: StaffPrincipal,
    patientId: number,
    given: string | undefined,
    actor: AuditActor,
    now: number,
  ) {
    await this.record(staff, patientId);
    const account = await this.accounts.findAccountOfRecord(patientId);
    if (!account) throw new AppError('not_found', '该客户没有患者端账号');
    const password = given ?? generatedPassword();
    const passwordHash = await hashPassword(password);
    await this.core.db.transaction().execute(async (trx) => {
      await this.accounts.updatePasswordHash(account.id, passwordHash, now, trx);
      await this.core.sessions.revokeAllOf('patient', account.id, now, trx);
      await this.notices.enqueue(trx, [{ event: 'password_changed', phone: account.phone, patientId, at: now }]);
      await this.core.audit.record(
        actor,
        {
          action: 'portal.password_reset',
          targetType: 'patient',
          targetId: patientId,
          details: { by: 'staff', generated: given === undefined },
        },
        trx,
      );
    });
    await this.core.throttle.forgetAccount(loginThrottleKeys('patient', account.phone, '').account);
    return { temporaryPassword: given === undefined ? password : null };
  }

  async unlock(staff: StaffPrincipal, patientId: number, actor: AuditActor, now: number) {
    await this.record(staff, patientId);
    const account = await this.accounts.findAccountOfRecord(patientId);
    if (!account) throw new AppError('not_found', '该客户没有患者端账号');
    const key = loginThrottleKeys('patient', account.phone, '').account;
    const lockedUntil = await this.core.throttle.lockedUntil(key, now);
    await this.core.throttle.forgetAccount(key);
    await this.core.audit.record(actor, {
      action: 'portal.unlock',
      targetType: 'patient',
      targetId: patientId,
      details: { wasLockedUntil: lockedUntil },
    });
    return this.view(staff, patientId, now);
  }
}
