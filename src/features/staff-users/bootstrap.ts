import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../../config.js';
import { isUniqueViolation } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { hashPassword } from '../../security/passwords.js';
import { administratorRoleId, countStaffUsers, insertStaffUser } from './repository.js';

/** A generated first password, for the banner once the server listens. */
export interface FirstAdministrator {
  username: string;
  password: string;
}

/**
 * First start: when no staff account exists, create the administrator from
 * ADMIN_USERNAME / ADMIN_PASSWORD, or `admin` with a random password, which is answered
 * (for firstStartBanner) and never written to the log.
 */
export async function ensureFirstAdministrator(
  db: Kysely<Database>,
  config: AppConfig,
  log: FastifyBaseLogger,
): Promise<FirstAdministrator | null> {
  if ((await countStaffUsers(db)) > 0) return null;
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
    return null;
  }
  if (generated) {
    log.warn(`First administrator created: username "${username}" (the password is printed once on stderr)`);
    return { username, password };
  }
  log.info(`First administrator created: username "${username}" (password from ADMIN_PASSWORD)`);
  return null;
}

/**
 * What the operator reads on the first start, on stderr where a JSON log line would scroll it
 * away: where to sign in, the generated password, and that it must be changed.
 */
export function firstStartBanner(admin: FirstAdministrator, url: string): string {
  const lines = [
    'CarePool is running. First start: an administrator account was created.',
    '',
    `  Back office:  ${url}`,
    `  Username:     ${admin.username}`,
    `  Password:     ${admin.password}`,
    '',
    'This password is shown only this once: sign in and change it',
    '(user menu at the top right → 修改密码 / Change password).',
    'Other PCs of the clinic: start with HOST=0.0.0.0 and open http://<this PC>:<port>/admin.',
  ];
  const width = Math.max(...lines.map((line) => line.length)) + 4;
  const rule = '='.repeat(width);
  return `\n${rule}\n${lines.map((line) => `  ${line}`).join('\n')}\n${rule}\n\n`;
}
