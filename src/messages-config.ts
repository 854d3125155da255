import { ConfigError, integer, oneOf, optionalText, type VariableSpec } from './config-parsing.js';

/**
 * Messages to patients (docs/messages.md) and verification codes (docs/portal-identity.md).
 * With nothing set every channel is `log`: messages are stored and shown in the back office and
 * nothing leaves the process, so `npm start` needs no provider account.
 */
export interface ProviderEndpoint {
  /** host[:port], as the SDKs take it. */
  host: string;
  protocol: 'https' | 'http';
}

export interface MessagesConfig {
  /** Whether this instance runs the delivery worker and the reminder scan. */
  worker: boolean;
  sms: 'log' | 'aliyun' | 'tencent';
  email: 'log' | 'smtp';
  wechat: 'log' | 'wechat';
  maxAttempts: number;
  /** Days a settled message is kept (0 = forever). */
  retentionDays: number;
  retryBaseMs: number;
  sendTimeoutMs: number;
  pollIntervalMs: number;
  batchSize: number;
  /** Clinic minute of day (on the day before) the day-before reminder is due; null = off. */
  reminderDayBeforeMinute: number | null;
  /** Hours before the session the second reminder is due; 0 = off. */
  reminderHoursBefore: number;
  aliyun: { accessKeyId: string; accessKeySecret: string; endpoint: ProviderEndpoint } | undefined;
  tencent:
    | { secretId: string; secretKey: string; sdkAppId: string; region: string; endpoint: ProviderEndpoint }
    | undefined;
  smtp: { url: string; from: string } | undefined;
  wechatApi: { appId: string; appSecret: string; baseUrl: string; oauthRedirectUrl: string | undefined } | undefined;
  verificationDailyPerPhone: number;
  verificationDailyPerIp: number;
}

function endpoint(name: string, fallback: string): VariableSpec<ProviderEndpoint>['parse'] {
  return (raw) => {
    const value = raw && raw.trim() !== '' ? raw.trim() : fallback;
    const match = /^(?:(https?):\/\/)?([A-Za-z0-9.-]+(?::\d{1,5})?)\/?$/.exec(value);
    if (!match) throw new ConfigError(name, `must be host[:port] or http(s)://host[:port] (got "${value}")`);
    return { host: match[2]!, protocol: (match[1] as 'http' | 'https' | undefined) ?? 'https' };
  };
}

function clinicTime(name: string, fallback: string): VariableSpec<number | null>['parse'] {
  return (raw) => {
    const value = raw && raw.trim() !== '' ? raw.trim() : fallback;
    if (value === 'off') return null;
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
    if (!match) throw new ConfigError(name, `must be HH:MM (clinic time) or off (got "${value}")`);
    return Number(match[1]) * 60 + Number(match[2]);
  };
}

function httpUrl(name: string, fallback: string | undefined): VariableSpec<string | undefined>['parse'] {
  return (raw) => {
    const value = optionalText(raw) ?? fallback;
    if (value === undefined) return undefined;
    if (!/^https?:\/\/[^\s]+$/.test(value)) throw new ConfigError(name, `must be an http(s) URL (got "${value}")`);
    return value.replace(/\/$/, '');
  };
}

const secret = (description: string): VariableSpec<string | undefined> => ({
  description,
  sensitive: true,
  parse: optionalText,
});
const text = (description: string): VariableSpec<string | undefined> => ({
  description,
  sensitive: false,
  parse: optionalText,
});

export const messagesVariables = {
  NOTIFY_WORKER: {
    description:
      'on (default) or off: whether this instance delivers queued messages and enqueues reminders (safe on every instance at once)',
    sensitive: false,
    parse: (raw: string | undefined) => oneOf('NOTIFY_WORKER', ['on', 'off'] as const, 'on')(raw) === 'on',
  },
  NOTIFY_SMS: {
    description: 'log (default: stored and shown in the back office only), aliyun or tencent',
    sensitive: false,
    parse: oneOf('NOTIFY_SMS', ['log', 'aliyun', 'tencent'] as const, 'log'),
  },
  NOTIFY_EMAIL: {
    description: 'log (default) or smtp',
    sensitive: false,
    parse: oneOf('NOTIFY_EMAIL', ['log', 'smtp'] as const, 'log'),
  },
  NOTIFY_WECHAT: {
    description: 'log (default) or wechat (template messages to patients who linked WeChat)',
    sensitive: false,
    parse: oneOf('NOTIFY_WECHAT', ['log', 'wechat'] as const, 'log'),
  },
  NOTIFY_MAX_ATTEMPTS: {
    description: 'Sends tried per message before it is marked failed',
    sensitive: false,
    parse: integer('NOTIFY_MAX_ATTEMPTS', 5, 1, 20),
  },
  NOTIFY_RETENTION_DAYS: {
    description:
      'Days a settled message (sent, failed or cancelled) stays in the delivery log before housekeeping deletes it: it holds names and phones; 0 = keep forever',
    sensitive: false,
    parse: integer('NOTIFY_RETENTION_DAYS', 180, 0, 3650),
  },
  NOTIFY_RETRY_BASE_MS: {
    description: 'Wait before the first retry, ms; doubled per attempt, at most one hour',
    sensitive: false,
    parse: integer('NOTIFY_RETRY_BASE_MS', 30_000, 0, 3_600_000),
  },
  NOTIFY_SEND_TIMEOUT_MS: {
    description:
      'How long one send may take before it counts as failed, ms (a claimed message whose worker died is sent again after twice this + 5 s)',
    sensitive: false,
    parse: integer('NOTIFY_SEND_TIMEOUT_MS', 10_000, 100, 120_000),
  },
  NOTIFY_POLL_INTERVAL_MS: {
    description: 'How often an idle worker looks for due messages, ms',
    sensitive: false,
    parse: integer('NOTIFY_POLL_INTERVAL_MS', 2_000, 10, 600_000),
  },
  NOTIFY_BATCH_SIZE: {
    description: 'Messages one worker claims and sends at once',
    sensitive: false,
    parse: integer('NOTIFY_BATCH_SIZE', 20, 1, 500),
  },
  NOTIFY_REMINDER_DAY_BEFORE: {
    description: "Clinic time (HH:MM) on the day before a session when its reminder is sent; 'off' = none",
    sensitive: false,
    parse: clinicTime('NOTIFY_REMINDER_DAY_BEFORE', '18:00'),
  },
  NOTIFY_REMINDER_HOURS_BEFORE: {
    description: 'A second reminder this many hours before the session starts; 0 (default) = none',
    sensitive: false,
    parse: integer('NOTIFY_REMINDER_HOURS_BEFORE', 0, 0, 12),
  },
  ALIYUN_SMS_ACCESS_KEY_ID: text('Alibaba Cloud AccessKey ID (NOTIFY_SMS=aliyun)'),
  ALIYUN_SMS_ACCESS_KEY_SECRET: secret('Alibaba Cloud AccessKey secret (NOTIFY_SMS=aliyun)'),
  ALIYUN_SMS_ENDPOINT: {
    description: 'Alibaba Cloud SMS endpoint, host[:port] or http(s)://host[:port]',
    sensitive: false,
    parse: endpoint('ALIYUN_SMS_ENDPOINT', 'dysmsapi.aliyuncs.com'),
  },
  TENCENT_SMS_SECRET_ID: text('Tencent Cloud SecretId (NOTIFY_SMS=tencent)'),
  TENCENT_SMS_SECRET_KEY: secret('Tencent Cloud SecretKey (NOTIFY_SMS=tencent)'),
  TENCENT_SMS_SDK_APP_ID: text('Tencent Cloud SMS SdkAppId (NOTIFY_SMS=tencent)'),
  TENCENT_SMS_REGION: {
    description: 'Tencent Cloud region of the SMS application',
    sensitive: false,
    parse: (raw: string | undefined) => optionalText(raw) ?? 'ap-guangzhou',
  },
  TENCENT_SMS_ENDPOINT: {
    description:
      "Tencent Cloud SMS endpoint, host[:port] or http(s)://host[:port]; the SDK signs for the service named by the host's first label",
    sensitive: false,
    parse: endpoint('TENCENT_SMS_ENDPOINT', 'sms.tencentcloudapi.com'),
  },
  SMTP_URL: secret('smtp://user:password@host:port (smtps:// for TLS from the start) (NOTIFY_EMAIL=smtp)'),
  SMTP_FROM: text('Sender of emails, e.g. "CarePool 诊所 <noreply@clinic.example>" (NOTIFY_EMAIL=smtp)'),
  WECHAT_APP_ID: text('WeChat official account AppID (NOTIFY_WECHAT=wechat)'),
  WECHAT_APP_SECRET: secret('WeChat official account AppSecret (NOTIFY_WECHAT=wechat)'),
  WECHAT_API_BASE_URL: {
    description: 'WeChat API base URL',
    sensitive: false,
    parse: httpUrl('WECHAT_API_BASE_URL', 'https://api.weixin.qq.com'),
  },
  WECHAT_OAUTH_REDIRECT_URL: {
    description: 'Portal page WeChat sends the patient back to after authorizing (it calls POST /patient/wechat/link)',
    sensitive: false,
    parse: httpUrl('WECHAT_OAUTH_REDIRECT_URL', undefined),
  },
  VERIFICATION_DAILY_LIMIT_PER_PHONE: {
    description: 'Verification codes one phone may be sent per clinic day',
    sensitive: false,
    parse: integer('VERIFICATION_DAILY_LIMIT_PER_PHONE', 10, 1, 1000),
  },
  VERIFICATION_DAILY_LIMIT_PER_IP: {
    description: 'Verification codes one client address may request per clinic day',
    sensitive: false,
    parse: integer('VERIFICATION_DAILY_LIMIT_PER_IP', 50, 1, 100_000),
  },
} satisfies Record<string, VariableSpec<unknown>>;

type Environment = Record<string, string | undefined>;

function required(env: Environment, name: keyof typeof messagesVariables, because: string): string {
  const value = optionalText(env[name]);
  if (value === undefined) throw new ConfigError(name, `must be set when ${because}`);
  return value;
}

export function loadMessagesConfig(env: Environment): MessagesConfig {
  const v = messagesVariables;
  const sms = v.NOTIFY_SMS.parse(env.NOTIFY_SMS);
  const email = v.NOTIFY_EMAIL.parse(env.NOTIFY_EMAIL);
  const wechat = v.NOTIFY_WECHAT.parse(env.NOTIFY_WECHAT);
  // Every value set is checked at boot, also for a provider not chosen (yet): a typo fails now, not on the day it is switched on.
  const aliyunEndpoint = v.ALIYUN_SMS_ENDPOINT.parse(env.ALIYUN_SMS_ENDPOINT);
  const tencentEndpoint = v.TENCENT_SMS_ENDPOINT.parse(env.TENCENT_SMS_ENDPOINT);
  const wechatBaseUrl = v.WECHAT_API_BASE_URL.parse(env.WECHAT_API_BASE_URL)!;
  const oauthRedirectUrl = v.WECHAT_OAUTH_REDIRECT_URL.parse(env.WECHAT_OAUTH_REDIRECT_URL);
  if (optionalText(env.SMTP_URL) !== undefined) smtpUrl(optionalText(env.SMTP_URL)!);
  return {
    worker: v.NOTIFY_WORKER.parse(env.NOTIFY_WORKER),
    sms,
    email,
    wechat,
    maxAttempts: v.NOTIFY_MAX_ATTEMPTS.parse(env.NOTIFY_MAX_ATTEMPTS),
    retentionDays: v.NOTIFY_RETENTION_DAYS.parse(env.NOTIFY_RETENTION_DAYS),
    retryBaseMs: v.NOTIFY_RETRY_BASE_MS.parse(env.NOTIFY_RETRY_BASE_MS),
    sendTimeoutMs: v.NOTIFY_SEND_TIMEOUT_MS.parse(env.NOTIFY_SEND_TIMEOUT_MS),
    pollIntervalMs: v.NOTIFY_POLL_INTERVAL_MS.parse(env.NOTIFY_POLL_INTERVAL_MS),
    batchSize: v.NOTIFY_BATCH_SIZE.parse(env.NOTIFY_BATCH_SIZE),
    reminderDayBeforeMinute: v.NOTIFY_REMINDER_DAY_BEFORE.parse(env.NOTIFY_REMINDER_DAY_BEFORE),
    reminderHoursBefore: v.NOTIFY_REMINDER_HOURS_BEFORE.parse(env.NOTIFY_REMINDER_HOURS_BEFORE),
    aliyun:
      sms === 'aliyun'
        ? {
            accessKeyId: required(env, 'ALIYUN_SMS_ACCESS_KEY_ID', 'NOTIFY_SMS=aliyun'),
            accessKeySecret: required(env, 'ALIYUN_SMS_ACCESS_KEY_SECRET', 'NOTIFY_SMS=aliyun'),
            endpoint: aliyunEndpoint,
          }
        : undefined,
    tencent:
      sms === 'tencent'
        ? {
            secretId: required(env, 'TENCENT_SMS_SECRET_ID', 'NOTIFY_SMS=tencent'),
            secretKey: required(env, 'TENCENT_SMS_SECRET_KEY', 'NOTIFY_SMS=tencent'),
            sdkAppId: required(env, 'TENCENT_SMS_SDK_APP_ID', 'NOTIFY_SMS=tencent'),
            region: v.TENCENT_SMS_REGION.parse(env.TENCENT_SMS_REGION),
            endpoint: tencentEndpoint,
          }
        : undefined,
    smtp:
      email === 'smtp'
        ? {
            url: smtpUrl(required(env, 'SMTP_URL', 'NOTIFY_EMAIL=smtp')),
            from: required(env, 'SMTP_FROM', 'NOTIFY_EMAIL=smtp'),
          }
        : undefined,
    wechatApi:
      wechat === 'wechat'
        ? {
            appId: required(env, 'WECHAT_APP_ID', 'NOTIFY_WECHAT=wechat'),
            appSecret: required(env, 'WECHAT_APP_SECRET', 'NOTIFY_WECHAT=wechat'),
            baseUrl: wechatBaseUrl,
            oauthRedirectUrl,
          }
        : undefined,
    verificationDailyPerPhone: v.VERIFICATION_DAILY_LIMIT_PER_PHONE.parse(env.VERIFICATION_DAILY_LIMIT_PER_PHONE),
    verificationDailyPerIp: v.VERIFICATION_DAILY_LIMIT_PER_IP.parse(env.VERIFICATION_DAILY_LIMIT_PER_IP),
  };
}

function smtpUrl(value: string): string {
  if (!/^smtps?:\/\/[^\s]+$/.test(value)) throw new ConfigError('SMTP_URL', 'must start with smtp:// or smtps://');
  return value;
}
