import type { Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/composition.js';
import type { Database } from '../../src/db/schema.js';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';

/**
 * The delivery log holds patients' names and phones: the housekeeping job deletes settled messages
 * (sent, failed, cancelled) older than NOTIFY_RETENTION_DAYS and keeps every message still due.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ NOTIFY_RETENTION_DAYS: '30' });
});
afterAll(async () => server?.close());

const DAY_MS = 86_400_000;

type Status = 'pending' | 'sent' | 'failed' | 'cancelled';

function message(key: string, status: Status, ageDays: number): Insertable<Database['notification_outbox']> {
  const at = Date.now() - ageDays * DAY_MS;
  return {
    idempotency_key: key,
    event: 'booking_confirmed',
    channel: 'sms',
    recipient: '13900000001',
    language: 'zh-CN',
    body: '您已预约',
    params: '{}',
    status,
    next_attempt_at: at,
    created_at: at,
    updated_at: at,
  };
}

describe('messages kept for NOTIFY_RETENTION_DAYS', () => {
  it('the housekeeping job deletes settled messages past the retention and keeps the rest', async () => {
    // One statement: the app's own housekeeping (its first pass runs at start, late on a loaded machine)
    // sees all of these rows or none, never a part of them.
    await server.database.db
      .insertInto('notification_outbox')
      .values([
        message('old-sent', 'sent', 31),
        message('old-failed', 'failed', 40),
        message('old-cancelled', 'cancelled', 31),
        message('old-pending', 'pending', 45),
        message('recent-sent', 'sent', 29),
      ])
      .execute();
    // A second composition's jobs run the housekeeping now.
    const { jobs } = compose(server.config, server.database, TEST_JWT_SECRET, server.app.log);
    await jobs.start();
    let keys: string[] = [];
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      keys = (await server.database.db.selectFrom('notification_outbox').select('idempotency_key').execute()).map(
        (row) => row.idempotency_key,
      );
      if (!keys.includes('old-sent')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await jobs.stop();
    expect(keys.sort()).toEqual(['old-pending', 'recent-sent']);
  });

  it('0 keeps every message, and a wrong value stops the server with a message naming the variable', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(loadConfig({ NOTIFY_RETENTION_DAYS: '0' }).messages.retentionDays).toBe(0);
    expect(() => loadConfig({ NOTIFY_RETENTION_DAYS: 'soon' })).toThrow(/NOTIFY_RETENTION_DAYS/);
  });
});
