import type { AuditActor } from '../../domain/audit.js';
import { AppError } from '../../http/errors.js';
import { loginThrottleKeys } from '../../security/login-throttle.js';
import { verifyAgainstNoAccount, verifyPassword } from '../../security/passwords.js';
import type { CoreServices } from '../../services.js';
import type { StaffAuthRepository } from './repository.js';

/** Sign-in, token refresh (rotation) and sign-out for staff. */
export class StaffAuthService {
  constructor(
    private readonly core: CoreServices,
    private readonly repository: StaffAuthRepository,
  ) {}

  private async issueSession(
    userId: number,
    now: number,
    actor: AuditActor,
    action: 'staff.login' | 'staff.token_refresh',
    revokeSessionId?: string,
  ) {
    const issued = await this.core.tokens.issue('staff', userId, now);
    // A staff session lives as long as its token may still be refreshed.
    const expiresAt = issued.expiresAt + this.core.config.refreshWindowSeconds;
    await this.core.db.transaction().execute(async (trx) => {
      if (revokeSessionId !== undefined) {
        const revoked = await this.core.sessions.revoke('staff', revokeSessionId, now, trx);
        if (!revoked) throw new AppError('token_invalid');
        if (!(await this.repository.isActive(userId, trx))) throw new AppError('account_disabled');
      }
      await this.core.sessions.create(
        { id: issued.sessionId, family: 'staff', subjectId: userId, createdAt: now, expiresAt },
        trx,
      );
      await this.core.audit.record(
        { ...actor, type: 'staff', id: userId },
        { action, targetType: 'staff_user', targetId: userId },
        trx,
      );
    });
    return issued.token;
  }

  async login(username: string, password: string, actor: AuditActor, now: number): Promise<string> {
    const keys = loginThrottleKeys('staff', username, actor.ip ?? 'unknown');
    const user = await this.repository.findByUsername(username);
    // An unknown username costs one verification too, so timing does not tell who exists.
    const check = await this.core.throttle.checkSignIn(keys, now, () =>
      user ? verifyPassword(user.password_hash, password) : verifyAgainstNoAccount(password),
    );

    if (!user || !check.matches) {
      const failedActor = { ...actor, type: 'anonymous' as const, id: null, label: username };
      await this.core.audit.record(failedActor, {
        action: 'staff.login_failed',
        targetType: 'staff_user',
        targetId: user?.id,
        outcome: 'failure',
        details: { reason: user ? 'wrong_password' : 'no_such_user' },
      });
      for (const scope of check.locked) {
        await this.core.audit.record(failedActor, { action: 'staff.lockout', outcome: 'failure', details: { scope } });
      }
      throw new AppError(user ? 'wrong_password' : 'user_not_found');
    }
    if (user.is_active !== 1) throw new AppError('account_disabled');
    return this.issueSession(user.id, now, actor, 'staff.login');
  }

  /**
   * Rotation: the presented token (valid, or expired less than REFRESH_WINDOW_SECONDS ago)
   * is revoked and a new one issued, atomically, so refreshing one token twice fails.
   */
  async refresh(token: string, actor: AuditActor, now: number): Promise<string> {
    const verified = await this.core.tokens.verify('staff', token, this.core.config.refreshWindowSeconds);
    return this.issueSession(verified.subjectId, now, actor, 'staff.token_refresh', verified.sessionId);
  }

  async logout(sessionId: string, actor: AuditActor, now: number): Promise<void> {
    await this.core.db.transaction().execute(async (trx) => {
      await this.core.sessions.revoke('staff', sessionId, now, trx);
      await this.core.audit.record(
        actor,
        { action: 'staff.logout', targetType: 'staff_user', targetId: actor.id ?? undefined },
        trx,
      );
    });
  }
}
