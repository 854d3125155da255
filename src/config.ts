import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, integer, oneOf, optionalText, type VariableSpec } from './config-parsing.js';
import { loadMessagesConfig, type MessagesConfig, messagesVariables } from './messages-config.js';

export { ConfigError };

/**
 * Configuration comes only from environment variables (optionally a `.env` file).
 * Every variable carries a description and a sensitivity flag so that the README,
 * boot errors and diagnostics can be generated from one table and secrets are
 * never echoed back.
 */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string;
  dataDir: string;
  jwtSecret: string | undefined;
  tokenTtlSeconds: number;
  refreshWindowSeconds: number;
  adminUsername: string | undefined;
  adminPassword: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  rateLimitPerMinute: number;
  /** Redis shared by all instances for the request rate limit; undefined = each instance counts alone. */
  redisUrl: string | undefined;
  trustProxy: boolean;
  /** Bearer token for GET /metrics; undefined = no metrics endpoint (404). */
  metricsToken: string | undefined;
  /** IANA zone of the clinic's calendar: session dates, "today", cancellation cutoffs. */
  clinicTimezone: string;
  /** Patients may cancel until `daysBefore` days before the session date at `minuteOfDay` clinic time. */
  bookingCancelCutoff: { daysBefore: number; minuteOfDay: number };
  /** Whole phone numbers one staff account without patients:view_full_phone may look up per clinic day. */
  phoneLookupDailyLimit: number;
  /** Messages to patients and verification codes (src/messages-config.ts). */
  messages: MessagesConfig;
  /** Minutes after a session's start from which a booked patient who has not arrived is late (front desk worklist). */
  lateAfterMinutes: number;
  /** Days without a follow-up after which a consultant's patient returns to the shared pool (公海); 0 = never. */
  poolReturnDays: number;
  /** 问诊 (docs/consultations.md): whom a patient may ask, and when an unread answer becomes a message to them. */
  consultations: {
    /** booked: doctors the patient has an appointment or a visit with; any: every doctor with a linked account. */
    policy: 'booked' | 'any';
    /** Seconds a doctor's answer may stay unread before the patient is told through the outbox; 0 = never. */
    noticeAfterSeconds: number;
  };
  /** What patients see of the clinic on the portal (GET /patient/clinic); unset parts are not shown. */
  clinic: {
    name: string | undefined;
    address: string | undefined;
    phone: string | undefined;
    hours: string | undefined;
  };
}

/** A single line of public clinic text, at most `max` characters. */
function clinicText(name: string, max: number): VariableSpec<string | undefined>['parse'] {
  return (raw) => {
    const value = optionalText(raw);
    if (value === undefined) return undefined;
    if (value.length > max || /[\u0000-\u001f\u007f]/.test(value))
      throw new ConfigError(name, `must be one line of at most ${max} characters`);
    return value;
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const USERNAME_PATTERN = /^[A-Za-z0-9_]{3,32}$/;

export const configVariables = {
  PORT: { description: 'TCP port the server listens on', sensitive: false, parse: integer('PORT', 3000, 0, 65535) },
  HOST: {
    description: 'Interface to bind (0.0.0.0 to accept outside connections)',
    sensitive: false,
    parse: (raw) => (raw && raw.trim() !== '' ? raw.trim() : '127.0.0.1'),
  },
  DATABASE_URL: {
    description:
      'sqlite:./data/carepool.db (default), sqlite:/abs/path.db, sqlite::memory: or postgres://user:pass@host:port/db',
    sensitive: true,
    parse: (raw) => {
      const value = raw && raw.trim() !== '' ? raw.trim() : 'sqlite:./data/carepool.db';
      if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(value)) {
        throw new ConfigError('DATABASE_URL', 'must start with sqlite: or postgres:// (see README)');
      }
      return value;
    },
  },
  DATA_DIR: {
    description: 'Folder for the SQLite file, the generated JWT secret and uploads',
    sensitive: false,
    parse: (raw) => path.resolve(raw && raw.trim() !== '' ? raw.trim() : './data'),
  },
  JWT_SECRET: {
    description:
      'HS256 signing secret, at least 32 characters; unset = generated once into DATA_DIR/jwt-secret (mode 0600)',
    sensitive: true,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      if (raw.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters long');
      return raw;
    },
  },
  TOKEN_TTL_SECONDS: {
    description: 'Lifetime of an access token (staff and patient), seconds',
    sensitive: false,
    parse: integer('TOKEN_TTL_SECONDS', 7200, 1, 30 * 24 * 3600),
  },
  REFRESH_WINDOW_SECONDS: {
    description: 'How long after expiry a staff token may still be refreshed with PATCH token/, seconds',
    sensitive: false,
    parse: integer('REFRESH_WINDOW_SECONDS', 7 * 24 * 3600, 0, 90 * 24 * 3600),
  },
  ADMIN_USERNAME: {
    description: 'Username of the first administrator, created when no staff account exists',
    sensitive: false,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      if (!USERNAME_PATTERN.test(raw))
        throw new ConfigError('ADMIN_USERNAME', 'must be 3 to 32 letters, digits or underscores');
      return raw;
    },
  },
  ADMIN_PASSWORD: {
    description: 'Password of the first administrator (8 to 128 characters); unset = random, printed once to the log',
    sensitive: true,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      if (raw.length < 8 || raw.length > 128)
        throw new ConfigError('ADMIN_PASSWORD', 'must be 8 to 128 characters long');
      return raw;
    },
  },
  LOG_LEVEL: {
    description: 'fatal, error, warn, info (default), debug, trace or silent',
    sensitive: false,
    parse: (raw) => {
      const value = raw && raw.trim() !== '' ? raw.trim() : 'info';
      if (!(LOG_LEVELS as readonly string[]).includes(value)) {
        throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
      }
      return value as AppConfig['logLevel'];
    },
  },
  RATE_LIMIT_PER_MINUTE: {
    description: 'Requests per minute one client IP may make to the APIs (0 turns the limit off)',
    sensitive: false,
    parse: integer('RATE_LIMIT_PER_MINUTE', 1200, 0, 10_000_000),
  },
  REDIS_URL: {
    description:
      'redis://host:port[/db] shared by several instances for the request rate limit (unset = per instance; Redis down = not limited, never an error)',
    sensitive: true,
    parse: (raw) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      if (!/^rediss?:\/\/.+/.test(raw.trim()))
        throw new ConfigError('REDIS_URL', 'must start with redis:// or rediss://');
      return raw.trim();
    },
  },
  TRUST_PROXY: {
    description: 'true when behind a reverse proxy that sets X-Forwarded-For (client IPs for lockout and audit)',
    sensitive: false,
    parse: (raw) => {
      if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
      if (raw === 'true' || raw === '1') return true;
      throw new ConfigError('TRUST_PROXY', `must be true or false (got "${raw}")`);
    },
  },
  METRICS_TOKEN: {
    description:
      'Bearer token a Prometheus scraper sends to GET /metrics (at least 16 characters); unset = /metrics answers 404',
    sensitive: true,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      if (raw.trim().length < 16) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters long');
      return raw.trim();
    },
  },
  CLINIC_TIMEZONE: {
    description: "IANA time zone of the clinic (session dates, 'today', cancellation cutoff), e.g. Asia/Shanghai",
    sensitive: false,
    parse: (raw) => {
      const value = raw && raw.trim() !== '' ? raw.trim() : 'Asia/Shanghai';
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: value });
      } catch {
        throw new ConfigError('CLINIC_TIMEZONE', `must be an IANA time zone such as Asia/Shanghai (got "${value}")`);
      }
      return value;
    },
  },
  BOOKING_CANCEL_CUTOFF: {
    description:
      "Last moment a patient may cancel: '-<days>d<HH:MM>' = that many days before the session date at that clinic time (default -1d18:00)",
    sensitive: false,
    parse: (raw) => {
      const value = raw && raw.trim() !== '' ? raw.trim() : '-1d18:00';
      const match = /^-(\d{1,2})d([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
      if (!match || Number(match[1]) > 14) {
        throw new ConfigError(
          'BOOKING_CANCEL_CUTOFF',
          `must look like -1d18:00 (0 to 14 days before, HH:MM) (got "${value}")`,
        );
      }
      return { daysBefore: Number(match[1]), minuteOfDay: Number(match[2]) * 60 + Number(match[3]) };
    },
  },
  PHONE_LOOKUP_DAILY_LIMIT: {
    description:
      'Whole phone numbers a staff account that sees phones masked may look up per clinic day (search, duplicate check, registration, edit, export, import); 0 = none',
    sensitive: false,
    parse: integer('PHONE_LOOKUP_DAILY_LIMIT', 100, 0, 1_000_000),
  },
  ...messagesVariables,
  LATE_AFTER_MINUTES: {
    description:
      "Minutes after a session's start (morning 08:00, afternoon 13:30) from which a booked patient who has not arrived shows as late on the front desk's worklist",
    sensitive: false,
    parse: integer('LATE_AFTER_MINUTES', 15, 0, 600),
  },
  POOL_RETURN_DAYS: {
    description:
      "Days without a follow-up (counted from the latest contact, or registration) after which a consultant's patient who has not arrived returns to the shared pool (公海) for any consultant to claim; 0 (default) = never",
    sensitive: false,
    parse: integer('POOL_RETURN_DAYS', 0, 0, 3650),
  },
  CONSULTATION_POLICY: {
    description:
      'Whom a patient may open an online consultation (问诊) with: booked (default) = doctors they have a live appointment or a visit with; any = every active doctor linked to a staff account',
    sensitive: false,
    parse: oneOf('CONSULTATION_POLICY', ['booked', 'any'] as const, 'booked'),
  },
  CONSULTATION_NOTICE_AFTER_SECONDS: {
    description:
      "Seconds a doctor's consultation answer may stay unread before the patient gets a message (SMS / email / WeChat, by their settings) through the outbox; 0 = never",
    sensitive: false,
    parse: integer('CONSULTATION_NOTICE_AFTER_SECONDS', 120, 0, 86_400),
  },
  CLINIC_NAME: {
    description: "The clinic's name shown to patients on the portal (home page and footer); unset = the portal's title",
    sensitive: false,
    parse: clinicText('CLINIC_NAME', 100),
  },
  CLINIC_ADDRESS: {
    description: "The clinic's address shown to patients on the portal; unset = not shown",
    sensitive: false,
    parse: clinicText('CLINIC_ADDRESS', 200),
  },
  CLINIC_PHONE: {
    description:
      "The clinic's phone shown to patients (a tap calls it on a phone), e.g. 021-6421 8888; unset = not shown",
    sensitive: false,
    parse: (raw) => {
      const value = clinicText('CLINIC_PHONE', 40)(raw);
      if (value !== undefined && !/^\+?[\d\s()-]{3,40}$/.test(value))
        throw new ConfigError(
          'CLINIC_PHONE',
          `must be digits, spaces, "-", "(", ")" and a leading "+" (got "${value}")`,
        );
      return value;
    },
  },
  CLINIC_HOURS: {
    description:
      "The clinic's opening hours as patients should read them, e.g. 周一至周六 08:00–17:30; unset = not shown",
    sensitive: false,
    parse: clinicText('CLINIC_HOURS', 200),
  },
} satisfies Record<string, VariableSpec<unknown>>;

type Environment = Record<string, string | undefined>;

/** Reads `.env` (when present) without overriding variables already set. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

export function loadConfig(env: Environment = process.env): AppConfig {
  const v = configVariables;
  const adminUsername = v.ADMIN_USERNAME.parse(env.ADMIN_USERNAME);
  const adminPassword = v.ADMIN_PASSWORD.parse(env.ADMIN_PASSWORD);
  if (adminPassword !== undefined && adminUsername === undefined) {
    throw new ConfigError('ADMIN_USERNAME', 'must be set when ADMIN_PASSWORD is set');
  }
  return {
    port: v.PORT.parse(env.PORT),
    host: v.HOST.parse(env.HOST),
    databaseUrl: v.DATABASE_URL.parse(env.DATABASE_URL),
    dataDir: v.DATA_DIR.parse(env.DATA_DIR),
    jwtSecret: v.JWT_SECRET.parse(env.JWT_SECRET),
    tokenTtlSeconds: v.TOKEN_TTL_SECONDS.parse(env.TOKEN_TTL_SECONDS),
    refreshWindowSeconds: v.REFRESH_WINDOW_SECONDS.parse(env.REFRESH_WINDOW_SECONDS),
    adminUsername,
    adminPassword,
    logLevel: v.LOG_LEVEL.parse(env.LOG_LEVEL),
    rateLimitPerMinute: v.RATE_LIMIT_PER_MINUTE.parse(env.RATE_LIMIT_PER_MINUTE),
    redisUrl: v.REDIS_URL.parse(env.REDIS_URL),
    trustProxy: v.TRUST_PROXY.parse(env.TRUST_PROXY),
    metricsToken: v.METRICS_TOKEN.parse(env.METRICS_TOKEN),
    clinicTimezone: v.CLINIC_TIMEZONE.parse(env.CLINIC_TIMEZONE),
    bookingCancelCutoff: v.BOOKING_CANCEL_CUTOFF.parse(env.BOOKING_CANCEL_CUTOFF),
    phoneLookupDailyLimit: v.PHONE_LOOKUP_DAILY_LIMIT.parse(env.PHONE_LOOKUP_DAILY_LIMIT),
    messages: loadMessagesConfig(env),
    lateAfterMinutes: v.LATE_AFTER_MINUTES.parse(env.LATE_AFTER_MINUTES),
    poolReturnDays: v.POOL_RETURN_DAYS.parse(env.POOL_RETURN_DAYS),
    consultations: {
      policy: v.CONSULTATION_POLICY.parse(env.CONSULTATION_POLICY),
      noticeAfterSeconds: v.CONSULTATION_NOTICE_AFTER_SECONDS.parse(env.CONSULTATION_NOTICE_AFTER_SECONDS),
    },
    clinic: {
      name: v.CLINIC_NAME.parse(env.CLINIC_NAME),
      address: v.CLINIC_ADDRESS.parse(env.CLINIC_ADDRESS),
      phone: v.CLINIC_PHONE.parse(env.CLINIC_PHONE),
      hours: v.CLINIC_HOURS.parse(env.CLINIC_HOURS),
    },
  };
}
