import type { Transaction } from 'kysely';
import { isUniqueViolation } from '../../../db/database.js';
import type { Database } from '../../../db/schema.js';
import type { AuditActor } from '../../../domain/audit.js';
import type { PatientNotices } from '../../../domain/patient-notices.js';
import { maskPhone } from '../../../domain/phone.js';
import type { PatientPrincipal } from '../../../domain/principals.js';
import { AppError } from '../../../http/errors.js';
import { loginThrottleKeys } from '../../../security/login-throttle.js';
import { hashPassword } from '../../../security/passwords.js';
import type { CoreServices } from '../../../services.js';
import type { PatientBookings } from '../../booking/index.js';
import type { ReferenceRepository } from '../../catalogs/index.js';
import type { PatientRepository } from '../../patients/index.js';
import type { PortalAccountRepository } from '../repository.js';
import type { VerificationCodes } from './verification-codes.js';

export const PORTAL_CHANNEL_KEY = 'portal_self_registration';

type AccountWithRecord = NonNullable<Awaited<ReturnType<PortalAccountRepository['findAccountWithRecord']>>>;

/**
 * An account's record is provisional while the account has never proved its phone and the record
 * is the one its registration created (no staff author, the portal's channel): whatever is on it
 * was entered by whoever registered, and nothing staff entered is.
 */
export const isProvisional = (account: AccountWithRecord): boolean =>
  account.phone_verified_at === null && account.author_id === null && account.channel_key === PORTAL_CHANNEL_KEY;

export interface AttachOutcome {
  linked: boolean;
  fromPatientId?: number;
  toPatientId?: number;
  bookingsMoved?: number;
  duplicatesCancelled?: number;
  fieldsFilled?: string[];
  provisionalRetired?: boolean;
}

/**
 * Who a portal account is, and how it comes to be attached to the record staff hold
 * (docs/portal-identity.md):
 * - registering without a code always creates a record of the account's own (provisional): the
 *   answer and the effect are the same whether or not the clinic knows the phone, so nothing staff
 *   entered is shown or changed, and registration tells no one who is a patient of the clinic;
 * - proving the phone (a code at registration, a claim, a password reset by code, or staff at the
 *   desk) verifies the account and attaches it to the live record staff hold for that phone, if
 *   any: one record per person for verified accounts;
 * - a claim by the signed-in account, or a desk link, also brings the provisional record's bookings
 *   and the fields staff left empty over (the same person entered them); a password reset by code
 *   does not (whoever registered may not be the phone's owner), and leaves the provisional record
 *   for staff to review.
 */
export class IdentityService {
  constructor(
    private readonly core: CoreServices,
    private readonly accounts: PortalAccountRepository,
    private readonly patients: PatientRepository,
    private readonly references: ReferenceRepository,
    private readonly bookings: PatientBookings,
    private readonly codes: VerificationCodes,
    private readonly notices: PatientNotices,
  ) {}

  async register(
    input: { phone: string; password: string; name: string; code?: string },
    actor: AuditActor,
    now: number,
  ): Promise<number> {
    if (await this.accounts.findByPhone(input.phone)) throw new AppError('conflict', '该手机号已注册');
    const codeId =
      input.code === undefined
        ? undefined
        : await this.codes.check(
            { phone: input.phone, purpose: 'register', code: input.code, accountId: null },
            actor,
            now,
          );
    // Hash before the transaction: the slow part must not hold the database.
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.core.db.transaction().execute(async (trx) => {
        let patientId: number | undefined;
        if (codeId !== undefined) {
          await this.codes.consume(codeId, now, trx);
          patientId = await this.accounts.findUnclaimedPoolRecord(input.phone, trx);
        }
        const attached = patientId !== undefined;
        patientId ??= await this.createOwnRecord(input.name, input.phone, now, trx);
        await this.accounts.createAccount(
          { patientId, phone: input.phone, passwordHash, now, verifiedAt: codeId === undefined ? null : now },
          trx,
        );
        await this.core.audit.record(
          { ...actor, type: 'patient', id: patientId },
          {
            action: 'portal.register',
            targetType: 'patient',
            targetId: patientId,
            details: {
              phone: maskPhone(input.phone),
              verified: codeId !== undefined,
              attachedToExistingRecord: attached,
            },
          },
          trx,
        );
        return patientId;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('conflict', '该手机号已注册');
      throw error;
    }
  }

  private async createOwnRecord(name: string, phone: string, now: number, trx: Transaction<Database>) {
    const channelId = await this.references.channelIdBySystemKey(PORTAL_CHANNEL_KEY, trx);
    const row = await this.patients.insert(
      {
        name,
        tel: phone,
        add_time: now,
        state: 0,
        media_from_id: channelId,
        author_id: null,
        created_at: now,
        updated_at: now,
      },
      trx,
    );
    return row.id;
  }

  /** The signed-in patient proves the login phone with a code (purpose claim). */
  async claim(principal: PatientPrincipal, code: string, actor: AuditActor, now: number) {
    const account = await this.accounts.findAccountWithRecord({ accountId: principal.accountId });
    if (!account) throw new AppError('token_invalid', '登录已失效，请重新登录');
    const codeId = await this.codes.check(
      { phone: account.phone, purpose: 'claim', code, accountId: null },
      actor,
      now,
    );
    const outcome = await this.core.db.transaction().execute(async (trx) => {
      await this.codes.consume(codeId, now, trx);
      const attached = await this.attachVerified(account, undefined, true, now, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'portal.claim',
          targetType: 'patient',
          targetId: attached.toPatientId ?? account.patient_id,
          details: { ...attached },
        },
        trx,
      );
      return attached;
    });
    return { phone_verified: true as const, record_linked: outcome.linked };
  }

  /**
   * Password recovery: the code proves the phone, so every session of the account ends, its
   * sign-in lock lifts, and it is verified. The owner of the phone gets the account even when
   * someone else registered it; the provisional record stays as it is, for staff to review.
   */
  async resetPassword(input: { phone: string; code: string; password: string }, actor: AuditActor, now: number) {
    const codeId = await this.codes.check(
      { phone: input.phone, purpose: 'reset', code: input.code, accountId: null },
      actor,
      now,
    );
    const account = await this.accounts.findAccountWithRecord({ phone: input.phone });
    if (!account) throw new AppError('not_found', '该手机号尚未注册，请直接注册');
    const passwordHash = await hashPassword(input.password);
    await this.core.db.transaction().execute(async (trx) => {
      await this.codes.consume(codeId, now, trx);
      await this.accounts.updatePasswordHash(account.id, passwordHash, now, trx);
      await this.core.sessions.revokeAllOf('patient', account.id, now, trx);
      const attached = await this.attachVerified(account, undefined, false, now, trx);
      await this.notices.enqueue(trx, [
        {
          event: 'password_changed',
          phone: account.phone,
          patientId: attached.toPatientId ?? account.patient_id,
          at: now,
        },
      ]);
      await this.core.audit.record(
        { ...actor, type: 'patient', id: attached.toPatientId ?? account.patient_id },
        {
          action: 'portal.password_reset',
          targetType: 'patient',
          targetId: attached.toPatientId ?? account.patient_id,
          details: { by: 'code', ...attached },
        },
        trx,
      );
    });
    await this.core.throttle.forgetAccount(loginThrottleKeys('patient', account.phone, actor.ip ?? 'unknown').account);
  }

  /**
   * Verifies the account and, if its record is provisional, moves it to the live record staff hold
   * for its phone (or to `target`, a desk link). With `merge`, the provisional record's bookings
   * and the fields staff left empty come along, and the record goes to the recycle bin if nothing
   * is left on it. A verified account, or one already on a staff record, only gets verified.
   */
  async attachVerified(
    account: AccountWithRecord,
    target: number | undefined,
    merge: boolean,
    now: number,
    trx: Transaction<Database>,
  ): Promise<AttachOutcome> {
    const toPatientId = isProvisional(account)
      ? (target ?? (await this.accounts.findUnclaimedPoolRecord(account.phone, trx)))
      : undefined;
    if (toPatientId === undefined || toPatientId === account.patient_id) {
      await this.accounts.markVerified(account.id, now, trx);
      return { linked: false };
    }
    await this.accounts.moveAccount(account.id, toPatientId, now, trx);
    const outcome: AttachOutcome = { linked: true, fromPatientId: account.patient_id, toPatientId };
    if (!merge) return outcome;
    const moved = await this.bookings.transferTo(account.patient_id, toPatientId, now, trx);
    outcome.bookingsMoved = moved.moved;
    outcome.duplicatesCancelled = moved.cancelledAsDuplicates;
    outcome.fieldsFilled = await this.accounts.fillEmptyFields(toPatientId, account.patient_id, now, trx);
    outcome.provisionalRetired = await this.accounts.retireIfEmpty(account.patient_id, now, trx);
    return outcome;
  }
}
