import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config.js';
import { AuditRepository } from '../domain/audit.js';
import { StaffAuthRepository } from '../features/staff-auth/index.js';
import { administratorRoleId, insertStaffUser } from '../features/staff-users/index.js';
import { loginThrottleKeys } from '../security/login-throttle.js';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../security/passwords.js';
import { SessionRepository } from '../security/session-repository.js';
import { CliError, EXIT, parseOptions, requireOption, unixNow, withMigratedDatabase } from './context.js';

const USERNAME_PATTERN = /^[A-Za-z0-9_]{3,32}$/;
const SYSTEM_ACTOR = { type: 'system' as const, id: null, label: 'cli', ip: null, userAgent: null, requestId: null };

/** The given password (checked like the API checks it) or a random one the caller prints once. */
function chosenPassword(given: string | undefined): { password: string; generated: boolean } {
  if (given === undefined) return { password: randomBytes(12).toString('base64url'), generated: true };
  if (given.length < PASSWORD_MIN_LENGTH || given.length > PASSWORD_MAX_LENGTH) {
    throw new CliError(
      `--password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`,
      EXIT.usage,
    );
  }
  return { password: given, generated: false };
}

function checkedUsername(options: Map<string, string>): string {
  const username = requireOption(options, 'username');
  if (!USERNAME_PATTERN.test(username))
    throw new CliError('--username must be 3 to 32 letters, digits or underscores', EXIT.usage);
  return username;
}

function announce(username: string, secret: { password: string; generated: boolean }, what: string): void {
  if (secret.generated) {
    console.log(`${what} "${username}". Password (shown only this once): ${secret.password}`);
  } else {
    console.log(`${what} "${username}" with the password given.`);
  }
}

/** create-admin: a new account with the built-in administrator role. */
export async function createAdmin(config: AppConfig, args: readonly string[]): Promise<void> {
  const options = parseOptions(args, ['username', 'password']);
  const username = checkedUsername(options);
  const secret = chosenPassword(options.get('password'));
  await withMigratedDatabase(config, async ({ db }) => {
    const repository = new StaffAuthRepository(db);
    if (await repository.findByUsername(username))
      throw new CliError(`a staff account "${username}" already exists (use reset-password)`);
    const now = unixNow();
    const id = await insertStaffUser(db, {
      username,
      displayName: username,
      passwordHash: await hashPassword(secret.password),
      roleId: await administratorRoleId(db),
      now,
    });
    await new AuditRepository(db).record(SYSTEM_ACTOR, {
      action: 'staff_user.create',
      targetType: 'staff_user',
      targetId: id,
      details: { username, via: 'cli' },
    });
  });
  announce(username, secret, 'Created administrator');
}

/** reset-password: new password, every session of the account revoked, account lockout cleared. */
export async function resetPassword(config: AppConfig, args: readonly string[]): Promise<void> {
  const options = parseOptions(args, ['username', 'password']);
  const username = requireOption(options, 'username');
  const secret = chosenPassword(options.get('password'));
  await withMigratedDatabase(config, async ({ db }) => {
    const user = await new StaffAuthRepository(db).findByUsername(username);
    if (!user) throw new CliError(`no staff account "${username}"`);
    const passwordHash = await hashPassword(secret.password);
    const now = unixNow();
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('staff_users')
        .set({ password_hash: passwordHash, updated_at: now })
        .where('id', '=', user.id)
        .execute();
      await new SessionRepository(db).revokeAllOf('staff', user.id, now, trx);
      // The operator resets because someone is locked out: let them in at once.
      await trx
        .deleteFrom('login_throttle')
        .where('key', '=', loginThrottleKeys('staff', username, '').account.key)
        .execute();
      await new AuditRepository(db).record(
        SYSTEM_ACTOR,
        { action: 'staff_user.password_reset', targetType: 'staff_user', targetId: user.id, details: { via: 'cli' } },
        trx,
      );
    });
  });
  announce(username, secret, 'Reset the password of');
  console.log('Every session of that account was signed out.');
}
