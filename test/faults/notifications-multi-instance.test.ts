import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { type StandIn, startAliyunStandIn } from '../notifications/support/sms-stand-ins.js';
import { createTestDatabase, type TestDatabase, testDialect } from '../support/database.js';
import { type SpawnedServer, serverEnv, spawnServer } from './support/spawned-server.js';

/**
 * Three server processes, each running the delivery worker, on one PostgreSQL database and one
 * SMS provider (a stand-in for Alibaba Cloud SMS): every queued message is sent exactly once.
 * Then one instance is killed while its sends are in flight: every message is still sent, and a
 * message sent again after the lease carries the same idempotency key (OutId).
 */
const onPostgres = testDialect() === 'postgres';
if (!onPostgres)
  console.log(
    '[faults] notification instances test SKIPPED: it runs on the PostgreSQL pass only (SQLite is one process)',
  );

const CREDENTIALS = { accessKeyId: 'LTAI-multi', accessKeySecret: 'multi-instance-secret' };
let testDatabase: TestDatabase;
let database: DatabaseHandle;
let provider: StandIn;
const servers: SpawnedServer[] = [];

async function queue(count: number): Promise<string[]> {
  const now = Date.now();
  const rows = Array.from({ length: count }, (_, index) => ({
    idempotency_key: randomUUID(),
    event: 'booking_confirmed',
    channel: 'sms' as const,
    recipient: `136${String(10_000_000 + index).slice(-8)}`,
    language: 'zh-CN' as const,
    body: `消息 ${index}`,
    params: JSON.stringify({ index: String(index) }),
    provider_template: 'SMS_465000001',
    sign_name: '康源诊所',
    status: 'pending' as const,
    next_attempt_at: now,
    created_at: now,
    updated_at: now,
  }));
  for (let start = 0; start < rows.length; start += 500)
    await database.db
      .insertInto('notification_outbox')
      .values(rows.slice(start, start + 500))
      .execute();
  return rows.map((row) => row.idempotency_key);
}

async function untilAllSent(keys: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await database.db
      .selectFrom('notification_outbox')
      .select((eb) => eb.fn.countAll<number>().as('sent'))
      .where('idempotency_key', 'in', keys)
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow();
    if (Number(row.sent) === keys.length) return;
    if (Date.now() > deadline) throw new Error(`only ${row.sent} of ${keys.length} sent in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const sendsPerKey = (keys: Set<string>) => {
  const counts = new Map<string, number>();
  for (const request of provider.requests) {
    const key = request.query.OutId;
    if (key && keys.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
};

beforeAll(async () => {
  if (!onPostgres) return;
  provider = await startAliyunStandIn(CREDENTIALS);
  testDatabase = await createTestDatabase();
  const env = serverEnv(testDatabase.url, testDatabase.dataDir, {
    NOTIFY_WORKER: 'on',
    NOTIFY_SMS: 'aliyun',
    ALIYUN_SMS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    ALIYUN_SMS_ACCESS_KEY_SECRET: CREDENTIALS.accessKeySecret,
    ALIYUN_SMS_ENDPOINT: provider.url,
    NOTIFY_POLL_INTERVAL_MS: '50',
    NOTIFY_BATCH_SIZE: '20',
    NOTIFY_SEND_TIMEOUT_MS: '1000',
  });
  servers.push(await spawnServer(env)); // the first migrates
  servers.push(...(await Promise.all([spawnServer(env), spawnServer(env)])));
  database = openDatabase(testDatabase.url);
}, 90_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.kill('SIGKILL')));
  await database?.close();
  await testDatabase?.drop();
  await provider?.close();
});

describe.skipIf(!onPostgres)('three instances delivering from one outbox', () => {
  it('send 1,000 queued messages exactly once', { timeout: 120_000 }, async () => {
    const keys = await queue(1000);
    const started = Date.now();
    await untilAllSent(keys, 90_000);
    const seconds = (Date.now() - started) / 1000;
    const counts = sendsPerKey(new Set(keys));
    expect(counts.size).toBe(1000);
    expect([...counts.values()].filter((count) => count !== 1)).toEqual([]);
    expect(provider.requests.filter((request) => request.refused)).toEqual([]);
    const attempts = await database.db
      .selectFrom('notification_outbox')
      .select(['attempts'])
      .where('idempotency_key', 'in', keys)
      .execute();
    expect(attempts.every((row) => row.attempts === 1)).toBe(true);
    console.log(
      `[faults] 3 instances on one PostgreSQL: 1,000 messages sent in ${seconds.toFixed(1)} s (${(1000 / seconds).toFixed(0)}/s), each exactly once`,
    );
  });

  it('send every message after an instance is killed mid-send, a repeat carrying the same key', {
    timeout: 120_000,
  }, async () => {
    provider.delayMs = 300;
    const keys = await queue(300);
    await new Promise((resolve) => setTimeout(resolve, 700));
    await servers[0]!.kill('SIGKILL');
    await untilAllSent(keys, 90_000);
    provider.delayMs = 0;
    const counts = sendsPerKey(new Set(keys));
    expect(counts.size).toBe(300);
    const repeated = [...counts.entries()].filter(([, count]) => count > 1);
    // Only what the killed instance had in flight (at most one batch) goes out again, once more.
    expect(repeated.length).toBeLessThanOrEqual(20);
    expect(repeated.every(([, count]) => count === 2)).toBe(true);
    const repeatedRows = await database.db
      .selectFrom('notification_outbox')
      .select(['attempts'])
      .where('idempotency_key', 'in', repeated.length > 0 ? repeated.map(([key]) => key) : ['none'])
      .execute();
    expect(repeatedRows.every((row) => row.attempts === 2)).toBe(true);
    console.log(
      `[faults] instance killed mid-send: all 300 sent; ${repeated.length} sent a second time after the lease, each with its first OutId`,
    );
  });
});
