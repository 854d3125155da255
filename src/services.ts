import type { Kysely } from 'kysely';
import type { AppConfig } from './config.js';
import type { DialectName } from './db/database.js';
import type { Database } from './db/schema.js';
import type { AuditRepository } from './domain/audit.js';
import type { LoginThrottle } from './security/login-throttle.js';
import type { SessionRepository } from './security/session-repository.js';
import type { TokenService } from './security/tokens.js';

/** What every feature may use: built once by the composition root (src/composition.ts). */
export interface CoreServices {
  config: AppConfig;
  db: Kysely<Database>;
  dialect: DialectName;
  tokens: TokenService;
  sessions: SessionRepository;
  throttle: LoginThrottle;
  audit: AuditRepository;
}
