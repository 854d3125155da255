import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { BackgroundJob } from '../../jobs.js';
import type { AttemptOutcome, OutboxRepository, OutboxRow, Settlement } from './outbox-repository.js';
import type { Transports } from './transports/index.js';
import { describeError, type OutgoingMessage, type SendResult } from './transports/transport.js';

export interface DeliveryOptions {
  batchSize: number;
  sendTimeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  pollIntervalMs: number;
}

/**
 * How long a claim lasts: twice the send's timeout and 5 s more, so a live worker settles its rows
 * well before the lease ends, and a row whose worker died is sent again soon after.
 */
export const leaseMs = (sendTimeoutMs: number): number => 2 * sendTimeoutMs + 5_000;
const MAX_BACKOFF_MS = 3_600_000;
const MASK = '******';

export interface PassSummary {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

/** Wait before the next attempt after `attempts` tries: base x 2^(attempts-1), at most an hour. */
export function backoffMs(attempts: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}

function outgoing(row: OutboxRow): OutgoingMessage {
  let params: Record<string, string> = {};
  try {
    params = JSON.parse(row.params) as Record<string, string>;
  } catch {
    // a row written by hand: send what the body says
  }
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    event: row.event,
    channel: row.channel,
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    params,
    providerTemplate: row.provider_template,
    signName: row.sign_name,
  };
}

/** Once a code no longer needs sending (sent or failed), the log keeps the message without it. */
function redactedCode(message: OutgoingMessage): AttemptOutcome['redacted'] {
  const code = message.params.code;
  if (message.event !== 'verification_code' || !code) return undefined;
  return { body: message.body.replaceAll(code, MASK), params: JSON.stringify({ ...message.params, code: MASK }) };
}

/** Settles as a transient failure when the transport has not answered in time, whatever it is doing. */
async function sendWithTimeout(
  send: (signal: AbortSignal) => Promise<SendResult>,
  timeoutMs: number,
): Promise<SendResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<SendResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, permanent: false, error: `no answer within ${timeoutMs} ms`, answer: null });
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      send(controller.signal).catch(
        (error: unknown): SendResult => ({ ok: false, permanent: false, error: describeError(error), answer: null }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends what the outbox holds. One pass claims up to batchSize due rows (see
 * OutboxRepository.claim), sends them at once, each within the timeout, and settles them together:
 * each sent with the provider's id and answer, back to pending with exponential backoff, or failed
 * once it is out of attempts or the provider refused it for good. Only this worker talks to
 * providers, never a request: an outage slows the queue, not the clinic.
 */
export class DeliveryWorker {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly transports: Transports,
    private readonly options: DeliveryOptions,
    private readonly log: FastifyBaseLogger,
  ) {}

  async runOnce(): Promise<PassSummary> {
    const now = Date.now();
    const token = randomUUID();
    const rows = await this.outbox.claim(now, now + leaseMs(this.options.sendTimeoutMs), token, this.options.batchSize);
    const settlements = await Promise.all(rows.map((row) => this.deliver(row)));
    await this.outbox.settleAll(settlements, token, Date.now());
    const summary: PassSummary = { claimed: rows.length, sent: 0, retried: 0, failed: 0 };
    for (const settlement of settlements) summary[settlement.kind === 'retry' ? 'retried' : settlement.kind] += 1;
    return summary;
  }

  /** Sends one claimed row and says how it ends; the pass settles all of them together. */
  private async deliver(row: OutboxRow): Promise<Settlement> {
    const transport = this.transports[row.channel];
    const message = outgoing(row);
    const final = { transport: transport.name, answer: null, redacted: redactedCode(message) };
    if (row.attempts > this.options.maxAttempts) {
      // Claimed again after its last attempt's worker stopped mid-send: no attempt left.
      return {
        id: row.id,
        kind: 'failed',
        error: row.last_error ?? 'stopped mid-send on its last attempt',
        outcome: final,
      };
    }
    const result = await sendWithTimeout((signal) => transport.send(message, signal), this.options.sendTimeoutMs);
    if (result.ok)
      return {
        id: row.id,
        kind: 'sent',
        providerMessageId: result.providerMessageId,
        outcome: { ...final, answer: result.answer },
      };
    if (result.permanent || row.attempts >= this.options.maxAttempts) {
      this.log.warn({ messageId: row.id, channel: row.channel, error: result.error }, 'message failed');
      return { id: row.id, kind: 'failed', error: result.error, outcome: { ...final, answer: result.answer } };
    }
    return {
      id: row.id,
      kind: 'retry',
      error: result.error,
      nextAttemptAt: Date.now() + backoffMs(row.attempts, this.options.retryBaseMs),
      outcome: { transport: transport.name, answer: result.answer },
    };
  }
}

/**
 * The worker as a background job: passes back to back while there is work (a full batch), then
 * one every pollIntervalMs. A pass that fails (database unreachable) is logged and tried again.
 */
export function deliveryJob(
  worker: DeliveryWorker,
  transports: Transports,
  options: DeliveryOptions,
  log: FastifyBaseLogger,
): BackgroundJob {
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
      });
    }, delayMs);
    timer.unref();
  };
  const pass = async () => {
    let full = false;
    try {
      full = (await worker.runOnce()).claimed >= options.batchSize;
    } catch (error) {
      log.warn({ err: error }, 'notification delivery pass failed; will retry');
    }
    schedule(full ? 0 : options.pollIntervalMs);
  };
  return {
    name: 'notification-delivery',
    start: async () => {
      stopped = false;
      schedule(0);
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      await Promise.allSettled(Object.values(transports).map((transport) => transport.close?.()));
    },
  };
}
