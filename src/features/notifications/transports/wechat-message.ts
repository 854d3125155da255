import { wechatFields } from '../catalogue.js';
import {
  describeError,
  type OutgoingMessage,
  permanentFailure,
  type SendResult,
  type Transport,
  transientFailure,
} from './transport.js';
import type { WeChatApi } from './wechat-api.js';

/** errcode values no retry can change: the openid, the template, the user's refusal, the app's rights. */
const PERMANENT_ERRCODES = new Set([40003, 40036, 40037, 43004, 43101, 47003, 48001]);

/**
 * WeChat template messages (/cgi-bin/message/template/send) to patients who linked WeChat. The
 * template body holds one `field: text` line per field of the WeChat template, whose id is the
 * template's provider_template. client_msg_id carries the row's idempotency key: WeChat documents
 * it as de-duplicating one openid's messages for about ten minutes, which covers a re-send after
 * a crash mid-send only when the lease runs out within that time.
 */
export class WeChatMessageTransport implements Transport {
  readonly name = 'wechat';

  constructor(private readonly api: WeChatApi) {}

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    if (!message.providerTemplate) return permanentFailure('微信模板未设置模板 ID (template_id)');
    const fields = wechatFields(message.body);
    if (!fields) return permanentFailure('微信模板内容须为每行“字段: 内容”');
    try {
      const { answer, text } = await this.api.postWithToken(
        '/cgi-bin/message/template/send',
        {
          touser: message.recipient,
          template_id: message.providerTemplate,
          client_msg_id: message.idempotencyKey,
          data: Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, { value }])),
        },
        signal,
      );
      if (answer.errcode === 0 || answer.errcode === undefined)
        return { ok: true, providerMessageId: answer.msgid === undefined ? null : String(answer.msgid), answer: text };
      const error = `${answer.errcode}: ${answer.errmsg ?? ''}`;
      return PERMANENT_ERRCODES.has(answer.errcode) ? permanentFailure(error, text) : transientFailure(error, text);
    } catch (error) {
      const text = (error as { text?: string }).text ?? null;
      return transientFailure(describeError(error), text);
    }
  }
}
