import type { Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from '../../../db/schema.js';

/** A stored message, and the only two parties it may reach. */
export interface FeedItem {
  id: number;
  patient_id: number;
  doctor_id: number;
}

/**
 * How an instance learns that a message was stored, on any instance. The feed only says "look":
 * what is delivered is always read back from the database after the commit (ConsultationLive),
 * so a message is stored before anyone sees it, and a lost signal costs latency, never a message.
 */
export interface ConsultationSignal {
  /** In the message's transaction: the signal goes out only if it commits. */
  announce(trx: Transaction<Database>): Promise<void>;
  /** After the commit, on the writing instance. */
  committed(): void;
  start(look: () => void): Promise<void>;
  stop(): Promise<void>;
}

const CHANNEL = 'carepool_consultations';

/**
 * PostgreSQL: NOTIFY in the transaction (PostgreSQL delivers it on commit, to every instance's
 * LISTEN connection, this one's too). The listening connection is a client of its own, outside
 * the request pool; when it drops, it reconnects, and the first look after it catches up on
 * what was stored meanwhile (the live feed reads from its cursor).
 */
export class PostgresNotifySignal implements ConsultationSignal {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  async announce(trx: Transaction<Database>): Promise<void> {
    await trx.selectNoFrom((eb) => eb.fn('pg_notify', [eb.val(CHANNEL), eb.val('')]).as('sent')).execute();
  }

  committed(): void {}

  async start(look: () => void): Promise<void> {
    this.stopped = false;
    await this.connect(look);
  }

  private async connect(look: () => void): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'carepool-consultations' });
    client.on('notification', () => look());
    client.on('error', (error) => {
      this.onError(error);
      this.lost(client, look);
    });
    client.on('end', () => this.lost(client, look));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.onError(error);
      client.end().catch(() => undefined);
      if (!this.stopped) this.schedule(look);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    look();
  }

  /** The listening connection dropped: once per connection, a new one in a second. */
  private lost(client: pg.Client, look: () => void): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (!this.stopped) this.schedule(look);
  }

  private schedule(look: () => void): void {
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.connect(look);
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
 * SQLite: one file, so no server to carry a signal. The writing instance looks at once after its
 * commit; other processes on the same file find new messages by looking every second.
 */
export class SqlitePollSignal implements ConsultationSignal {
  private timer: NodeJS.Timeout | undefined;
  private look: () => void = () => {};

  constructor(private readonly everyMs = 1000) {}

  async announce(): Promise<void> {}

  committed(): void {
    this.look();
  }

  async start(look: () => void): Promise<void> {
    this.look = look;
    this.timer = setInterval(look, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
