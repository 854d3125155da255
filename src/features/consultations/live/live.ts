import type { FastifyBaseLogger } from 'fastify';
import type { ConsultationRepository, Side } from '../repository.js';
import type { ConsultationSignal } from './feed.js';

type Consultation = NonNullable<Awaited<ReturnType<ConsultationRepository['findOf']>>>;
type Message = Awaited<ReturnType<ConsultationRepository['message']>>;

/** What a listener receives: the stored message and its consultation as they read after the commit. */
export type Delivery = { consultation: Consultation; message: Message };
export type Listener = (delivery: Delivery) => void;

/** Open streams per party on one instance: a tab or two, a phone; more is a runaway client. */
export const MAX_STREAMS_PER_PARTY = 5;
const BATCH = 200;

const keyOf = (side: Side, id: number) => `${side}:${id}`;

/**
 * Live delivery (问诊). Each instance keeps its listeners by party (patient:12, doctor:3). On a
 * signal it reads the messages stored after its cursor, each with its consultation's two parties,
 * and hands every message only to the listeners of those two parties: never by what a sender
 * claimed, never to anyone else. With nobody listening on the instance it reads nothing at all.
 */
export class ConsultationLive {
  private readonly listeners = new Map<string, Set<Listener>>();
  private cursor: number | undefined;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly repository: ConsultationRepository,
    readonly signal: ConsultationSignal,
    private readonly log: FastifyBaseLogger,
  ) {}

  streamsOf(side: Side, id: number): number {
    return this.listeners.get(keyOf(side, id))?.size ?? 0;
  }

  /** Starts listening for a party; the cursor starts at the newest message (the client reads older ones by polling). */
  async listen(side: Side, id: number, listener: Listener): Promise<() => void> {
    if (this.cursor === undefined) this.cursor = await this.repository.lastMessageId();
    const key = keyOf(side, id);
    const set = this.listeners.get(key) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(key, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
      if (this.listeners.size === 0) this.cursor = undefined;
    };
  }

  start(): Promise<void> {
    return this.signal.start(() => this.look());
  }

  stop(): Promise<void> {
    return this.signal.stop();
  }

  /** One read at a time; a signal during a read asks for one more. */
  look(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readNew()
      .catch((error) => this.log.warn({ err: error }, 'consultation live feed: read failed; the next signal retries'))
      .finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          this.look();
        }
      });
  }

  private async readNew(): Promise<void> {
    while (this.cursor !== undefined && this.listeners.size > 0) {
      const items = await this.repository.messagesAfter(this.cursor, BATCH);
      if (items.length === 0) return;
      for (const item of items) {
        this.cursor = Math.max(this.cursor ?? 0, item.id);
        const parties = [keyOf('patient', item.patient_id), keyOf('doctor', item.doctor_id)].filter((key) =>
          this.listeners.has(key),
        );
        if (parties.length === 0) continue;
        const message = await this.repository.message(item.id);
        const consultation = await this.repository.findById(message.consultation_id);
        if (!consultation) continue;
        for (const key of parties)
          for (const listener of this.listeners.get(key) ?? []) listener({ consultation, message });
      }
      if (items.length < BATCH) return;
    }
  }
}
