import type { FastifyBaseLogger } from 'fastify';
import type { ConsultationRepository, Side } from '../repository.js';
import type { ConsultationSignal, FeedItem } from './feed.js';

type Consultation = NonNullable<Awaited<ReturnType<ConsultationRepository['findById']>>>;
type Message = Awaited<ReturnType<ConsultationRepository['message']>>;

/** What a listener receives: the stored message and its consultation as they read after the commit. */
export type Delivery = { consultation: Consultation; message: Message };
export type Listener = (delivery: Delivery) => void;

interface Subscription {
  deliver: Listener;
  /** Ends the listener's stream (the feed may have missed messages: the client reconnects and polls). */
  end: () => void;
}

/** Open streams per party on one instance: a tab or two, a phone; more is a runaway client. */
export const MAX_STREAMS_PER_PARTY = 5;
const BATCH = 200;

const keyOf = (side: Side, id: number) => `${side}:${id}`;

/**
 * Live delivery (问诊). Each instance keeps its listeners by party (patient:12, doctor:3). A stored
 * message reaches it named by the signal (PostgreSQL) or read after a cursor (SQLite), each with
 * its consultation's two parties from the database; the hub hands it only to the listeners of
 * those two parties, never by what a sender claimed, never to anyone else, one message at a time
 * in the order the signals came. With nobody listening on the instance it reads nothing at all.
 */
export class ConsultationLive {
  private readonly listeners = new Map<string, Set<Subscription>>();
  private cursor: number | undefined;
  private queue: Promise<void> = Promise.resolve();
  private looking = false;
  private lookAgain = false;

  constructor(
    private readonly repository: ConsultationRepository,
    readonly signal: ConsultationSignal,
    private readonly log: FastifyBaseLogger,
  ) {}

  streamsOf(side: Side, id: number): number {
    return this.listeners.get(keyOf(side, id))?.size ?? 0;
  }

  /** Starts listening for a party; older messages are the client's to read by polling. */
  async listen(side: Side, id: number, deliver: Listener, end: () => void): Promise<() => void> {
    if (this.cursor === undefined) this.cursor = await this.repository.lastMessageId();
    const key = keyOf(side, id);
    const set = this.listeners.get(key) ?? new Set<Subscription>();
    const subscription = { deliver, end };
    set.add(subscription);
    this.listeners.set(key, set);
    return () => {
      set.delete(subscription);
      if (set.size === 0) this.listeners.delete(key);
      if (this.listeners.size === 0) this.cursor = undefined;
    };
  }

  start(): Promise<void> {
    return this.signal.start({
      look: () => this.look(),
      committed: (item) => this.enqueue(() => this.deliver(item)),
      lost: () => this.endAll(),
    });
  }

  stop(): Promise<void> {
    return this.signal.stop();
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue
      .then(work)
      .catch((error) => this.log.warn({ err: error }, 'consultation live feed: a delivery failed'));
  }

  private endAll(): void {
    for (const set of [...this.listeners.values()]) for (const subscription of [...set]) subscription.end();
  }

  /** One read after the cursor at a time; a signal during a read asks for one more. */
  private look(): void {
    if (this.looking) {
      this.lookAgain = true;
      return;
    }
    this.looking = true;
    this.enqueue(async () => {
      try {
        do {
          this.lookAgain = false;
          await this.readAfterCursor();
        } while (this.lookAgain);
      } finally {
        this.looking = false;
      }
    });
  }

  private async readAfterCursor(): Promise<void> {
    while (this.cursor !== undefined && this.listeners.size > 0) {
      const items = await this.repository.messagesAfter(this.cursor, BATCH);
      for (const item of items) {
        this.cursor = Math.max(this.cursor ?? 0, item.id);
        await this.deliver(item);
      }
      if (items.length < BATCH) return;
    }
  }

  private async deliver(item: FeedItem): Promise<void> {
    const parties = [keyOf('patient', item.patient_id), keyOf('doctor', item.doctor_id)].filter((key) =>
      this.listeners.has(key),
    );
    if (parties.length === 0) return;
    const message = await this.repository.message(item.id);
    const consultation = await this.repository.findById(message.consultation_id);
    // The parties come from the stored consultation; the signal's only choose whom to read for.
    if (!consultation || consultation.patient_id !== item.patient_id || consultation.doctor_id !== item.doctor_id)
      return;
    for (const key of parties)
      for (const subscription of this.listeners.get(key) ?? []) subscription.deliver({ consultation, message });
  }
}
