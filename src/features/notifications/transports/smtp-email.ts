import nodemailer from 'nodemailer';
import {
  describeError,
  type OutgoingMessage,
  permanentFailure,
  type SendResult,
  type Transport,
  transientFailure,
} from './transport.js';

/** The domain of the sender's address, for Message-IDs; a reserved name when it has none. */
function senderDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'carepool.invalid';
}

/**
 * Email through SMTP (nodemailer). Each row keeps one Message-ID for all its attempts
 * (`<idempotency key@sender's domain>`), so a message re-sent after a crash mid-send is the same
 * message to mail software that de-duplicates by Message-ID. A 5xx reply (the mailbox or the
 * message refused) is final; a 4xx reply or a lost connection is retried.
 */
export class SmtpEmailTransport implements Transport {
  readonly name = 'smtp';
  private readonly transporter;
  private readonly domain: string;

  constructor(private readonly options: { url: string; from: string; timeoutMs: number }) {
    this.transporter = nodemailer.createTransport({
      url: options.url,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
    this.domain = senderDomain(options.from);
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    try {
      const info = await this.transporter.sendMail({
        from: this.options.from,
        to: message.recipient,
        subject: message.subject ?? '',
        text: message.body,
        messageId: `<${message.idempotencyKey}@${this.domain}>`,
      });
      return { ok: true, providerMessageId: info.messageId ?? null, answer: info.response ?? null };
    } catch (error) {
      const responseCode = (error as { responseCode?: number }).responseCode;
      const answer = (error as { response?: string }).response ?? null;
      if (responseCode !== undefined && responseCode >= 500) return permanentFailure(describeError(error), answer);
      return transientFailure(describeError(error), answer);
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}
