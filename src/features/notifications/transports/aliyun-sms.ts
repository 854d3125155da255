import Dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { ProviderEndpoint } from '../../../messages-config.js';
import {
  describeError,
  type OutgoingMessage,
  permanentFailure,
  type SendResult,
  type Transport,
  transientFailure,
} from './transport.js';

type ClientClass = typeof Dysmsapi.default;
/**
 * The SDK is CommonJS with a default export: Node's ESM loader hands over module.exports (the class
 * is its `default`), while bundlers and test runners hand over the class itself.
 */
const SmsClient: ClientClass =
  (Dysmsapi as unknown as { default?: ClientClass }).default ?? (Dysmsapi as unknown as ClientClass);

/** Answers (Code) that no retry can change: the number, the template, the signature or the account. */
const PERMANENT_CODES = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL',
  'isv.MOBILE_COUNT_OVER_LIMIT',
  'isv.TEMPLATE_MISSING_PARAMETERS',
  'isv.TEMPLATE_PARAMS_ILLEGAL',
  'isv.SMS_TEMPLATE_ILLEGAL',
  'isv.SMS_SIGNATURE_ILLEGAL',
  'isv.SMS_SIGN_ILLEGAL',
  'isv.INVALID_PARAMETERS',
  'isv.INVALID_JSON_PARAM',
  'isv.PARAM_LENGTH_LIMIT',
  'isv.BLACK_KEY_CONTROL_LIMIT',
  'isv.ACCOUNT_NOT_EXISTS',
  'isv.ACCOUNT_ABNORMAL',
  'isv.OUT_OF_SERVICE',
  'isv.AMOUNT_NOT_ENOUGH',
]);

/**
 * Alibaba Cloud SMS through its official SDK (SendSms, API version 2017-05-25, signed
 * ACS3-HMAC-SHA256). OutId carries the row's idempotency key: Alibaba echoes it in delivery
 * receipts but documents SendSms as not idempotent, so a message re-sent after a crash mid-send
 * (the lease ran out) may arrive twice; the key is how the two can be matched.
 */
export class AliyunSmsTransport implements Transport {
  readonly name = 'aliyun';
  private readonly client;

  constructor(options: {
    accessKeyId: string;
    accessKeySecret: string;
    endpoint: ProviderEndpoint;
    timeoutMs: number;
  }) {
    this.client = new SmsClient(
      new $OpenApiUtil.Config({
        accessKeyId: options.accessKeyId,
        accessKeySecret: options.accessKeySecret,
        endpoint: options.endpoint.host,
        protocol: options.endpoint.protocol,
        readTimeout: options.timeoutMs,
        connectTimeout: options.timeoutMs,
      }),
    );
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    if (!message.providerTemplate) return permanentFailure('短信模板未设置阿里云模板编号 (TemplateCode)');
    if (!message.signName) return permanentFailure('短信模板未设置短信签名 (SignName)');
    try {
      const response = await this.client.sendSms(
        new SendSmsRequest({
          phoneNumbers: message.recipient,
          signName: message.signName,
          templateCode: message.providerTemplate,
          templateParam: JSON.stringify(message.params),
          outId: message.idempotencyKey,
        }),
      );
      const body = response.body;
      const answer = JSON.stringify({
        Code: body?.code,
        Message: body?.message,
        BizId: body?.bizId,
        RequestId: body?.requestId,
      });
      if (body?.code === 'OK') return { ok: true, providerMessageId: body.bizId ?? null, answer };
      const error = `${body?.code ?? 'unknown'}: ${body?.message ?? ''}`;
      return PERMANENT_CODES.has(body?.code ?? '') ? permanentFailure(error, answer) : transientFailure(error, answer);
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      const data = (error as { data?: unknown }).data;
      const answer = data === undefined ? null : JSON.stringify(data);
      // 4xx: credentials, signature or request refused as such; retrying sends the same thing again.
      if (status !== undefined && status >= 400 && status < 500 && status !== 429)
        return permanentFailure(describeError(error), answer);
      return transientFailure(describeError(error), answer);
    }
  }
}
