import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration of messages and verification codes', () => {
  it('needs nothing: every channel logs, the worker runs, reminders at 18:00 the day before', () => {
    expect(loadConfig({}).messages).toMatchObject({
      worker: true,
      sms: 'log',
      email: 'log',
      wechat: 'log',
      maxAttempts: 5,
      retryBaseMs: 30_000,
      sendTimeoutMs: 10_000,
      reminderDayBeforeMinute: 18 * 60,
      reminderHoursBefore: 0,
      aliyun: undefined,
      tencent: undefined,
      smtp: undefined,
      wechatApi: undefined,
      verificationDailyPerPhone: 10,
      verificationDailyPerIp: 50,
    });
  });

  it('reads each provider and its endpoint override', () => {
    const aliyun = loadConfig({
      NOTIFY_SMS: 'aliyun',
      ALIYUN_SMS_ACCESS_KEY_ID: 'id',
      ALIYUN_SMS_ACCESS_KEY_SECRET: 'secret',
      ALIYUN_SMS_ENDPOINT: 'http://127.0.0.1:4010',
    }).messages;
    expect(aliyun.aliyun).toEqual({
      accessKeyId: 'id',
      accessKeySecret: 'secret',
      endpoint: { host: '127.0.0.1:4010', protocol: 'http' },
    });
    const tencent = loadConfig({
      NOTIFY_SMS: 'tencent',
      TENCENT_SMS_SECRET_ID: 'sid',
      TENCENT_SMS_SECRET_KEY: 'skey',
      TENCENT_SMS_SDK_APP_ID: '1400000000',
    }).messages;
    expect(tencent.tencent).toMatchObject({
      region: 'ap-guangzhou',
      endpoint: { host: 'sms.tencentcloudapi.com', protocol: 'https' },
    });
    const mail = loadConfig({
      NOTIFY_EMAIL: 'smtp',
      SMTP_URL: 'smtps://u:p@mail.example:465',
      SMTP_FROM: 'a@b.example',
    });
    expect(mail.messages.smtp).toEqual({ url: 'smtps://u:p@mail.example:465', from: 'a@b.example' });
    const wechat = loadConfig({ NOTIFY_WECHAT: 'wechat', WECHAT_APP_ID: 'wx1', WECHAT_APP_SECRET: 's' }).messages;
    expect(wechat.wechatApi).toEqual({
      appId: 'wx1',
      appSecret: 's',
      baseUrl: 'https://api.weixin.qq.com',
      oauthRedirectUrl: undefined,
    });
    expect(loadConfig({ NOTIFY_REMINDER_DAY_BEFORE: 'off', NOTIFY_WORKER: 'off' }).messages).toMatchObject({
      reminderDayBeforeMinute: null,
      worker: false,
    });
  });

  it.each([
    [{ NOTIFY_SMS: 'twilio' }, 'NOTIFY_SMS'],
    [{ NOTIFY_SMS: 'aliyun' }, 'ALIYUN_SMS_ACCESS_KEY_ID'],
    [{ NOTIFY_SMS: 'aliyun', ALIYUN_SMS_ACCESS_KEY_ID: 'id' }, 'ALIYUN_SMS_ACCESS_KEY_SECRET'],
    [{ NOTIFY_SMS: 'tencent', TENCENT_SMS_SECRET_ID: 'a', TENCENT_SMS_SECRET_KEY: 'b' }, 'TENCENT_SMS_SDK_APP_ID'],
    [{ NOTIFY_EMAIL: 'smtp', SMTP_FROM: 'a@b.example' }, 'SMTP_URL'],
    [{ NOTIFY_EMAIL: 'smtp', SMTP_URL: 'http://mail', SMTP_FROM: 'a@b.example' }, 'SMTP_URL'],
    [{ NOTIFY_WECHAT: 'wechat', WECHAT_APP_ID: 'wx' }, 'WECHAT_APP_SECRET'],
    [{ NOTIFY_WORKER: 'yes' }, 'NOTIFY_WORKER'],
    [{ NOTIFY_MAX_ATTEMPTS: '0' }, 'NOTIFY_MAX_ATTEMPTS'],
    [{ NOTIFY_SEND_TIMEOUT_MS: '10' }, 'NOTIFY_SEND_TIMEOUT_MS'],
    [{ NOTIFY_REMINDER_DAY_BEFORE: '25:00' }, 'NOTIFY_REMINDER_DAY_BEFORE'],
    [{ NOTIFY_REMINDER_HOURS_BEFORE: '48' }, 'NOTIFY_REMINDER_HOURS_BEFORE'],
    [{ ALIYUN_SMS_ENDPOINT: 'ftp://x' }, 'ALIYUN_SMS_ENDPOINT'],
    [{ WECHAT_OAUTH_REDIRECT_URL: 'not a url' }, 'WECHAT_OAUTH_REDIRECT_URL'],
    [{ VERIFICATION_DAILY_LIMIT_PER_PHONE: '0' }, 'VERIFICATION_DAILY_LIMIT_PER_PHONE'],
  ])('refuses %j with a message naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});
