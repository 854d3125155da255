import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../../config.js';
import { isUniqueViolation } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { hashPassword } from '../../security/passwords.js';
import { administratorRoleId, countStaffUsers, insertStaffUser } from './repository.js';

/**
 * First start: when no staff account exists, create the administrator from
 * ADMIN_USERNAME / ADMIN_PASSWORD, or `admin` with a random password shown once.
 */
export async function ensureFirstAdministrator(
  db: Kysely<Database>,
  config: AppConfig,
  log: FastifyBaseLogger,
): Promise<void> {
  if ((await countStaffUsers(db)) > 0) return;
  const username = config.adminUsername ?? 'admin';
  const generated = config.adminPassword === undefined;
  const password = config.adminPassword ?? randomBytes(12).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  try {
    await insertStaffUser(db, {
      username,
      displayName: '系统管理员',
      passwordHash: await hashPassword(password),
      roleId: await administratorRoleId(db),
      now,
    });
  } catch (error) {
    // Several instances starting together on one empty database: one of them wins.
    if (!isUniqueViolation(error)) throw error;
    log.info(`First administrator "${username}" was created by another instance`);
    return;
  }
  if (generated) {
    // The one deliberate exception to "no secrets in logs": the operator must learn it once.
    log.warn(
      `First administrator created: username "${username}", password "${password}" (shown only this once; change it after signing in)`,
    );
  } else {
    log.info(`First administrator created: username "${username}" (password from ADMIN_PASSWORD)`);
  }
}
