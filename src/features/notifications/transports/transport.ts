import type { NotificationChannel } from '../../../db/schema.js';

/** A message as the worker hands it to a transport. */
export interface OutgoingMessage {
  id: number;
  /** Stable for the row across attempts: what providers that take one get as their idempotency key. */
  idempotencyKey: string;
  event: string;
  channel: NotificationChannel;
  /** Phone, email address or WeChat openid. */
  recipient: string;
  subject: string | null;
  body: string;
  /** The template's placeholders and their values, in the order the template uses them. */
  params: Record<string, string>;
  providerTemplate: string | null;
  signName: string | null;
}

export type SendResult =
  | { ok: true; providerMessageId: string | null; answer: string | null }
  /** permanent: retrying cannot help (bad number, unapproved template, refused credentials): failed at once. */
  | { ok: false; permanent: boolean; error: string; answer: string | null };

/** One way out of the process for one channel; chosen by configuration (NOTIFY_SMS, NOTIFY_EMAIL, NOTIFY_WECHAT). */
export interface Transport {
  readonly name: string;
  /** Must settle within the worker's timeout; the signal aborts when it passes. */
  send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult>;
  close?(): Promise<void>;
}

export const permanentFailure = (error: string, answer: string | null = null): SendResult => ({
  ok: false,
  permanent: true,
  error,
  answer,
});

export const transientFailure = (error: string, answer: string | null = null): SendResult => ({
  ok: false,
  permanent: false,
  error,
  answer,
});

/** Stored, shown in the back office, never sent anywhere: the default, so `npm start` needs no provider. */
export const logTransport: Transport = {
  name: 'log',
  send: async (message) => ({ ok: true, providerMessageId: `log-${message.idempotencyKey}`, answer: null }),
};

/**
 * An error as text for the log column: its code and message, never a stack, and never a query
 * string (an SDK's timeout message repeats the request URL, phone number and parameters included).
 */
export function describeError(error: unknown): string {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  const text =
    error instanceof Error
      ? `${typeof code === 'string' && code !== '' ? `${code}: ` : ''}${error.message}`
      : String(error);
  return text.replace(/\?[^\s]*/g, '?…').slice(0, 500);
}
