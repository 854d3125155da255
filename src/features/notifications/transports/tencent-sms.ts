import * as tencentSms from 'tencentcloud-sdk-nodejs-sms';
import type { ProviderEndpoint } from '../../../messages-config.js';
import {
  describeError,
  type OutgoingMessage,
  permanentFailure,
  type SendResult,
  type Transport,
  transientFailure,
} from './transport.js';

/** Error codes (prefixes) no retry can change: parameters, the number, the template or signature, the account. */
const PERMANENT_PREFIXES = [
  'InvalidParameter',
  'MissingParameter',
  'UnauthorizedOperation',
  'AuthFailure',
  'UnsupportedOperation',
  'FailedOperation.PhoneNumberInBlacklist',
  'FailedOperation.TemplateIncorrectOrUnapproved',
  'FailedOperation.SignatureIncorrectOrUnapproved',
  'FailedOperation.InsufficientBalanceInSmsPackage',
  'FailedOperation.ContainSensitiveWord',
];
const isPermanentCode = (code: string | undefined) =>
  code !== undefined && PERMANENT_PREFIXES.some((prefix) => code.startsWith(prefix));

/**
 * Tencent Cloud SMS through its official SDK (SendSms, API version 2021-01-11, signed
 * TC3-HMAC-SHA256). Tencent's templates take positional parameters: the values go in the order
 * the CarePool template first uses its placeholders. SessionContext carries the row's
 * idempotency key, but Tencent only echoes it back (in the answer and in receipts): it does not
 * de-duplicate, so a message re-sent after a crash mid-send may arrive twice.
 */
export class TencentSmsTransport implements Transport {
  readonly name = 'tencent';
  private readonly client;

  constructor(
    private readonly options: {
      secretId: string;
      secretKey: string;
      sdkAppId: string;
      region: string;
      endpoint: ProviderEndpoint;
      timeoutMs: number;
    },
  ) {
    this.client = new tencentSms.sms.v20210111.Client({
      credential: { secretId: options.secretId, secretKey: options.secretKey },
      region: options.region,
      profile: {
        httpProfile: {
          endpoint: options.endpoint.host,
          protocol: `${options.endpoint.protocol}://`,
          reqTimeout: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
        },
      },
    });
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    if (!message.providerTemplate) return permanentFailure('短信模板未设置腾讯云模板 ID (TemplateId)');
    if (!message.signName) return permanentFailure('短信模板未设置短信签名 (SignName)');
    try {
      const answer = await this.client.SendSms({
        PhoneNumberSet: [`+86${message.recipient}`],
        SmsSdkAppId: this.options.sdkAppId,
        SignName: message.signName,
        TemplateId: message.providerTemplate,
        TemplateParamSet: Object.values(message.params),
        SessionContext: message.idempotencyKey,
      });
      const status = answer.SendStatusSet?.[0];
      const text = JSON.stringify({ SendStatusSet: answer.SendStatusSet, RequestId: answer.RequestId });
      if (status?.Code === 'Ok') return { ok: true, providerMessageId: status.SerialNo ?? null, answer: text };
      const error = `${status?.Code ?? 'unknown'}: ${status?.Message ?? ''}`;
      return isPermanentCode(status?.Code) ? permanentFailure(error, text) : transientFailure(error, text);
    } catch (error) {
      const { code, httpCode } = error as { code?: string; httpCode?: number };
      const answer = code ? JSON.stringify({ Error: { Code: code, Message: (error as Error).message } }) : null;
      if (isPermanentCode(code) || (httpCode !== undefined && httpCode >= 400 && httpCode < 500 && httpCode !== 429))
        return permanentFailure(describeError(error), answer);
      return transientFailure(describeError(error), answer);
    }
  }
}
