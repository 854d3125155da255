import type { NotificationChannel } from '../../../db/schema.js';
import type { MessagesConfig } from '../../../messages-config.js';
import { AliyunSmsTransport } from './aliyun-sms.js';
import { SmtpEmailTransport } from './smtp-email.js';
import { TencentSmsTransport } from './tencent-sms.js';
import { logTransport, type Transport } from './transport.js';
import { WeChatApi } from './wechat-api.js';
import { WeChatMessageTransport } from './wechat-message.js';

export type Transports = Readonly<Record<NotificationChannel, Transport>>;

/** The transport of each channel, as NOTIFY_SMS, NOTIFY_EMAIL and NOTIFY_WECHAT choose (default: log). */
export function buildTransports(config: MessagesConfig, wechatApi: WeChatApi | undefined): Transports {
  const timeoutMs = config.sendTimeoutMs;
  const sms =
    config.sms === 'aliyun' && config.aliyun
      ? new AliyunSmsTransport({ ...config.aliyun, timeoutMs })
      : config.sms === 'tencent' && config.tencent
        ? new TencentSmsTransport({ ...config.tencent, timeoutMs })
        : logTransport;
  const email =
    config.email === 'smtp' && config.smtp ? new SmtpEmailTransport({ ...config.smtp, timeoutMs }) : logTransport;
  const wechat = config.wechat === 'wechat' && wechatApi ? new WeChatMessageTransport(wechatApi) : logTransport;
  return { sms, email, wechat };
}

/** The WeChat API client, when NOTIFY_WECHAT=wechat (the link flow and the transport share its token). */
export function buildWeChatApi(config: MessagesConfig): WeChatApi | undefined {
  return config.wechatApi ? new WeChatApi({ ...config.wechatApi, timeoutMs: config.sendTimeoutMs }) : undefined;
}

export { logTransport, type OutgoingMessage, type SendResult, type Transport } from './transport.js';
export { WeChatApi } from './wechat-api.js';
