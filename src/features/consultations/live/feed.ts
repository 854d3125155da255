import type { Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from '../../../db/schema.js';

/** A stored message, and the only two parties it may reach. */
export interface FeedItem {
  id: number;
  patient_id: number;
  doctor_id: number;
}

/** What the live hub does with a signal. */
export interface FeedHandlers {
  /** Read what was stored after the hub's cursor (where ids follow commit order: SQLite). */
  look(): void;
  /** This message was committed (where the signal names it: PostgreSQL). */
  committed(item: FeedItem): void;
  /** Signals may have been missed: end the streams, whose clients reconnect and catch up by polling. */
  lost(): void;
}

/**
 * How an instance learns that a message was stored, on any instance. The hub delivers what it
 * reads back from the database after the commit, so a message is stored before anyone sees it.
 */
export interface ConsultationSignal {
  /** In the message's transaction: the signal goes out only if it commits. */
  announce(trx: Transaction<Database>, item: FeedItem): Promise<void>;
  /** After the commit, on the writing instance. */
  written(): void;
  start(handlers: FeedHandlers): Promise<void>;
  stop(): Promise<void>;
}

const CHANNEL = 'carepool_consultations';

/**
 * PostgreSQL: NOTIFY in the transaction, delivered on commit, in commit order, to every
 * instance's LISTEN connection (this one's too), naming the message and its two parties. Not a
 * cursor: with concurrent writers ids are not committed in order, and a cursor would skip a
 * message whose lower id commits late. The listening connection is a client of its own, outside
 * the request pool; when it drops, notifications may have been missed, so the hub ends its
 * streams (the clients reconnect and poll what they missed) and it reconnects in a second.
 */
export class PostgresNotifySignal implements ConsultationSignal {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  async announce(trx: Transaction<Database>, item: FeedItem): Promise<void> {
    const payload = `${item.id},${item.patient_id},${item.doctor_id}`;
    await trx.selectNoFrom((eb) => eb.fn('pg_notify', [eb.val(CHANNEL), eb.val(payload)]).as('sent')).execute();
  }

  written(): void {}

  async start(handlers: FeedHandlers): Promise<void> {
    this.stopped = false;
    await this.connect(handlers);
  }

  private async connect(handlers: FeedHandlers): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'carepool-consultations' });
    client.on('notification', (notification) => {
      const [id, patientId, doctorId] = (notification.payload ?? '').split(',').map(Number);
      if (id && patientId && doctorId) handlers.committed({ id, patient_id: patientId, doctor_id: doctorId });
    });
    client.on('error', (error) => {
      this.onError(error);
      this.lost(client, handlers);
    });
    client.on('end', () => this.lost(client, handlers));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.onError(error);
      client.end().catch(() => undefined);
      if (!this.stopped) this.schedule(handlers);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  /** The listening connection dropped: once per connection, the streams end, a new one in a second. */
  private lost(client: pg.Client, handlers: FeedHandlers): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    handlers.lost();
    if (!this.stopped) this.schedule(handlers);
  }

  private schedule(handlers: FeedHandlers): void {
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.connect(handlers);
    }, 1000);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/**
 * SQLite: one file and one writer at a time, so ids are committed in order and a cursor misses
 * nothing. The writing instance looks at once after its commit; other processes on the same
 * file find new messages by looking every 250 ms (an indexed read, and none while nobody listens).
 */
export class SqlitePollSignal implements ConsultationSignal {
  private timer: NodeJS.Timeout | undefined;
  private look: () => void = () => {};

  constructor(private readonly everyMs = 250) {}

  async announce(): Promise<void> {}

  written(): void {
    this.look();
  }

  async start(handlers: FeedHandlers): Promise<void> {
    this.look = () => handlers.look();
    this.timer = setInterval(this.look, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
