import type { Kysely } from 'kysely';
import type { AppConfig } from './config.js';
import type { DialectName } from './db/database.js';
import type { Database } from './db/schema.js';
import { AuditRepository } from './domain/audit.js';
import { LoginThrottle } from './security/login-throttle.js';
import { SessionRepository } from './security/session-repository.js';
import { TokenService } from './security/tokens.js';

/** What every feature may use: built once per app, passed to feature plugins. */
export interface CoreServices {
  config: AppConfig;
  db: Kysely<Database>;
  dialect: DialectName;
  tokens: TokenService;
  sessions: SessionRepository;
  throttle: LoginThrottle;
  audit: AuditRepository;
}

export function createCoreServices(config: AppConfig, db: Kysely<Database>, dialect: DialectName, jwtSecret: string): CoreServices {
  return {
    config,
    db,
    dialect,
    tokens: new TokenService(jwtSecret, config.tokenTtlSeconds),
    sessions: new SessionRepository(db),
    throttle: new LoginThrottle(db),
    audit: new AuditRepository(db),
  };
}
