import type { Static } from 'typebox';
import { isUniqueViolation } from '../../db/database.js';
import type { PatientUpdate } from '../../db/schema.js';
import type { AuditActor } from '../../domain/audit.js';
import type { PatientNotices } from '../../domain/patient-notices.js';
import { maskPhone } from '../../domain/phone.js';
import type { PatientPrincipal, PatientProfileRow } from '../../domain/principals.js';
import { AppError, invalidField } from '../../http/errors.js';
import { emptyAsNull } from '../../http/schemas.js';
import { loginThrottleKeys } from '../../security/login-throttle.js';
import { hashPassword, verifyAgainstNoAccount, verifyPassword } from '../../security/passwords.js';
import type { CoreServices } from '../../services.js';
import type { AvatarFiles } from './avatars/avatar-files.js';
import type { VerificationCodes } from './identity/verification-codes.js';
import type { PortalAccountRepository } from './repository.js';
import type { ProfileUpdateBody } from './schemas.js';

const LOGIN_FAILED_MESSAGE = '手机号或密码错误';

const genderToSex = { male: 0, female: 1 } as const;
const sexToGender = (sex: number | null): 'male' | 'female' | null =>
  sex === 0 ? 'male' : sex === 1 ? 'female' : null;

/** A real calendar date, not in the future and not before 1900. */
export function isPlausibleBirthDate(value: string, today = new Date()): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return false;
  return value >= '1900-01-01' && value <= today.toISOString().slice(0, 10);
}

const phoneTaken = () => new AppError('conflict', '该手机号已被其他账号使用');

export class PortalAccountService {
  constructor(
    private readonly core: CoreServices,
    private readonly accounts: PortalAccountRepository,
    private readonly avatars: AvatarFiles,
    private readonly codes: VerificationCodes,
    private readonly notices: PatientNotices,
  ) {}

  /** A wrong password and an unknown phone answer alike (status and message). */
  async login(phone: string, password: string, actor: AuditActor, now: number) {
    const keys = loginThrottleKeys('patient', phone, actor.ip ?? 'unknown');
    const account = await this.accounts.findSignInByPhone(phone);
    // An unknown phone costs one verification too, so timing does not tell who is registered.
    const check = await this.core.throttle.checkSignIn(keys, now, () =>
      account ? verifyPassword(account.password_hash, password) : verifyAgainstNoAccount(password),
    );
    if (!account || !check.matches) {
      const failedActor = { ...actor, type: 'anonymous' as const, id: null, label: maskPhone(phone) };
      await this.core.audit.record(failedActor, {
        action: 'portal.login_failed',
        targetType: 'patient',
        targetId: account?.patient_id,
        outcome: 'failure',
      });
      for (const scope of check.locked) {
        await this.core.audit.record(failedActor, { action: 'portal.lockout', outcome: 'failure', details: { scope } });
      }
      throw new AppError('wrong_password', LOGIN_FAILED_MESSAGE);
    }
    const issued = await this.core.tokens.issue('patient', account.id, now);
    await this.core.db.transaction().execute(async (trx) => {
      await this.core.sessions.create(
        { id: issued.sessionId, family: 'patient', subjectId: account.id, createdAt: now, expiresAt: issued.expiresAt },
        trx,
      );
      await this.core.audit.record(
        { ...actor, type: 'patient', id: account.patient_id },
        { action: 'portal.login', targetType: 'patient', targetId: account.patient_id },
        trx,
      );
    });
    return { id: account.patient_id, name: account.name, role: 'patient' as const, token: issued.token };
  }

  async logout(principal: PatientPrincipal, actor: AuditActor, now: number): Promise<void> {
    await this.core.db.transaction().execute(async (trx) => {
      await this.core.sessions.revoke('patient', principal.sessionId, now, trx);
      await this.core.audit.record(
        actor,
        { action: 'portal.logout', targetType: 'patient', targetId: principal.patientId },
        trx,
      );
    });
  }

  /**
   * Password change: the old password is required; wrong guesses count against the login
   * lock of the account (so a stolen token cannot brute-force it); every other session of
   * the patient is revoked, the one making the change stays signed in.
   */
  async changePassword(
    principal: PatientPrincipal,
    oldPassword: string,
    newPassword: string,
    actor: AuditActor,
    now: number,
  ): Promise<void> {
    const account = await this.accounts.findAccountById(principal.accountId);
    if (!account) throw new AppError('token_invalid', '登录已失效，请重新登录');
    const keys = loginThrottleKeys('patient', account.phone, actor.ip ?? 'unknown');
    const check = await this.core.throttle.checkPasswordConfirmation(keys.account, now, () =>
      verifyPassword(account.password_hash, oldPassword),
    );
    if (!check.matches) {
      await this.core.audit.record(actor, {
        action: 'portal.password_change',
        targetType: 'patient',
        targetId: principal.patientId,
        outcome: 'failure',
      });
      for (const scope of check.locked) {
        await this.core.audit.record(actor, {
          action: 'portal.lockout',
          outcome: 'failure',
          details: { scope, via: 'password_change' },
        });
      }
      throw new AppError('invalid_value', '原密码错误', { extra: { field: 'old_password' } });
    }
    if (oldPassword === newPassword)
      throw new AppError('invalid_value', '新密码不能与原密码相同', { extra: { field: 'new_password' } });
    const passwordHash = await hashPassword(newPassword);
    await this.core.db.transaction().execute(async (trx) => {
      await this.accounts.updatePasswordHash(account.id, passwordHash, now, trx);
      await this.core.sessions.revokeAllOf('patient', account.id, now, trx, principal.sessionId);
      await this.notices.enqueue(trx, [
        { event: 'password_changed', phone: account.phone, patientId: principal.patientId, at: now },
      ]);
      await this.core.audit.record(
        actor,
        { action: 'portal.password_change', targetType: 'patient', targetId: principal.patientId },
        trx,
      );
    });
  }

  /** The profile as read with the session by the guard: GET /patient makes no query of its own. */
  profile(principal: PatientPrincipal) {
    return profileView(principal.profile);
  }

  async updateProfile(
    principal: PatientPrincipal,
    body: Static<typeof ProfileUpdateBody>,
    actor: AuditActor,
    now: number,
  ) {
    const input = withEmptyAsNull(body);
    if (input.birth_date && !isPlausibleBirthDate(input.birth_date)) {
      throw invalidField('birth_date', '须为真实日期，且不晚于今天');
    }
    const before = this.profile(principal);
    const phoneChanges = input.phone !== before.phone;
    // A new phone is proved first: a code sent to it (purpose change_phone) for this account.
    let codeId: number | undefined;
    if (phoneChanges) {
      const holder = await this.accounts.findByPhone(input.phone);
      if (holder && holder.id !== principal.accountId) throw phoneTaken();
      if (body.phone_code === undefined)
        throw new AppError('parameter_missing', '缺少参数: phone_code（更换手机号须先获取新号码的验证码）', {
          extra: { field: 'phone_code' },
        });
      codeId = await this.codes.check(
        { phone: input.phone, purpose: 'change_phone', code: body.phone_code, accountId: principal.accountId },
        actor,
        now,
      );
    }
    const changes: PatientUpdate = { name: input.name, tel: input.phone, updated_at: now };
    if (input.gender !== undefined) changes.sex = input.gender === null ? null : genderToSex[input.gender];
    if (input.birth_date !== undefined) changes.birth_date = input.birth_date;
    if (input.address !== undefined) changes.address = input.address;
    if (input.medical_history !== undefined) changes.medical_history = input.medical_history;
    if (input.avatar_url !== undefined) changes.avatar_url = input.avatar_url;

    let releasedAvatars: string[];
    try {
      releasedAvatars = await this.core.db.transaction().execute(async (trx) => {
        if (codeId !== undefined) {
          const holder = await this.accounts.findByPhone(input.phone, trx);
          if (holder && holder.id !== principal.accountId) throw phoneTaken();
          await this.codes.consume(codeId, now, trx);
          await this.accounts.updateAccountPhone(principal.accountId, input.phone, now, trx);
          await this.accounts.markVerified(principal.accountId, now, trx);
          // The old number hears of it: whoever changed it may not be its owner.
          await this.notices.enqueue(trx, [
            {
              event: 'phone_changed',
              phone: before.phone,
              newPhone: input.phone,
              patientId: principal.patientId,
              at: now,
            },
          ]);
        }
        const released =
          input.avatar_url === undefined
            ? []
            : await this.avatars.checkProfileValue(principal.patientId, input.avatar_url, trx);
        await this.accounts.updatePatient(principal.patientId, changes, trx);
        await this.core.audit.record(
          actor,
          {
            action: 'portal.profile_update',
            targetType: 'patient',
            targetId: principal.patientId,
            details: describeChanges(before, input),
          },
          trx,
        );
        return released;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw phoneTaken();
      throw error;
    }
    await this.avatars.removeReleased(releasedAvatars);
    const saved = await this.accounts.findProfile(principal.patientId);
    if (!saved) throw new AppError('not_found');
    return profileView(saved);
  }
}

/** "" in an optional field means "not set", like null (see Clearable): both are stored as null. */
function withEmptyAsNull(body: Static<typeof ProfileUpdateBody>) {
  return {
    phone: body.phone,
    name: body.name,
    gender: emptyAsNull(body.gender),
    birth_date: emptyAsNull(body.birth_date),
    address: emptyAsNull(body.address),
    medical_history: emptyAsNull(body.medical_history),
    avatar_url: emptyAsNull(body.avatar_url),
  };
}

function profileView(row: PatientProfileRow) {
  return {
    phone: row.phone,
    phone_verified: row.phone_verified_at !== null,
    name: row.name,
    gender: sexToGender(row.sex),
    address: row.address,
    avatar_url: row.avatar_url,
    birth_date: row.birth_date,
    medical_history: row.medical_history,
  };
}

/** Changed fields for the audit log: phones masked, free-text health data named but not copied. */
function describeChanges(before: Record<string, unknown>, input: Record<string, unknown>) {
  const changed: Record<string, unknown> = {};
  for (const [field, after] of Object.entries(input)) {
    if (after === undefined || before[field] === after) continue;
    if (field === 'phone') changed.phone = { before: maskPhone(String(before.phone)), after: maskPhone(String(after)) };
    else if (field === 'medical_history' || field === 'address') changed[field] = { changed: true };
    else changed[field] = { before: before[field] ?? null, after };
  }
  return { changed };
}
