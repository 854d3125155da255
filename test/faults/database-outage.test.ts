import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, openDatabase } from '../../src/db/database.js';
import { testDialect } from '../support/database.js';
import {
  type CallResult,
  call,
  isPortalErrorEnvelope,
  isStaffErrorEnvelope,
  quantile,
  sleep,
} from './support/client.js';
import { registeredPatientToken, STAFF, staffToken } from './support/clinic.js';
import { type PrivatePostgres, privatePostgresUnavailable, startPrivatePostgres } from './support/private-postgres.js';
import { type SpawnedServer, serverEnv, spawnServer } from './support/spawned-server.js';

/**
 * PostgreSQL stopped under load and started again: meanwhile the server answers 503 in each
 * family's envelope within a bounded time (no hang, no crash), /healthz says so, and service
 * resumes by itself, without restarting the server. Needs a private PostgreSQL it can stop.
 */
const ANSWER_DEADLINE_MS = 10_000;
const unavailable = testDialect() !== 'postgres' ? 'runs on the PostgreSQL pass only' : privatePostgresUnavailable();
const mustRun = process.env.CI === 'true' && testDialect() === 'postgres';
if (unavailable && !mustRun) console.log(`[faults] database outage test SKIPPED: ${unavailable}`);

let postgres: PrivatePostgres | undefined;
let server: SpawnedServer | undefined;
const dataDir = mkdtempSync(path.join(tmpdir(), 'carepool-outage-'));
afterAll(async () => {
  await server?.kill('SIGKILL');
  await postgres?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Sample extends CallResult {
  family: 'staff' | 'portal';
  /** The status a healthy server gives this request. */
  ok: number;
  startedAt: number;
}

describe('PostgreSQL outage and recovery', () => {
  // Before the fix in openPostgres this killed the process: pg emits 'error' on a checked-out
  // client whose server goes away, and nothing listened.
  it.skipIf(Boolean(unavailable) && !mustRun)(
    'survives PostgreSQL going away while a request holds a connection mid-transaction',
    { timeout: 60_000 },
    async () => {
      postgres ??= await startPrivatePostgres();
      const handle = openDatabase(postgres.url);
      try {
        let failure: unknown;
        await handle.db
          .transaction()
          .execute(async (trx) => {
            await sql`select 1`.execute(trx);
            await postgres!.stop();
            await sql`select 1`.execute(trx);
          })
          .catch((error: unknown) => {
            failure = error;
          });
        expect(isDatabaseUnavailable(failure), String(failure)).toBe(true);
        await postgres.start();
        expect((await sql<{ one: number }>`select 1 as one`.execute(handle.db)).rows).toEqual([{ one: 1 }]);
      } finally {
        await handle.close();
      }
    },
  );

  it.skipIf(Boolean(unavailable) && !mustRun)(
    'answers 503 in the envelope while PostgreSQL is down and recovers by itself',
    { timeout: 120_000 },
    async () => {
      postgres ??= await startPrivatePostgres();
      server = await spawnServer(serverEnv(postgres.url, dataDir));
      const serverPid = server.pid();
      const admin = await staffToken(server.baseUrl);
      const patient = await registeredPatientToken(server.baseUrl);

      // Light steady load: a staff list and a portal profile, a few times a second.
      const samples: Sample[] = [];
      let stop = false;
      const timeoutMs = ANSWER_DEADLINE_MS + 5000;
      const requests = {
        read: () => call(server!.baseUrl, 'GET', `${STAFF}/patient/`, { bearer: admin, timeoutMs }),
        // Writes run in transactions: the stop catches some between two queries.
        write: () =>
          call(server!.baseUrl, 'POST', `${STAFF}/patient/`, {
            bearer: admin,
            json: { name: '停库压测', add_time: Math.floor(Date.now() / 1000), state: 0 },
            timeoutMs,
          }),
        profile: () => call(server!.baseUrl, 'GET', '/patient/', { bearer: patient.token, timeoutMs }),
      };
      const loop = async (kind: keyof typeof requests) => {
        while (!stop) {
          const startedAt = Date.now();
          const result = await requests[kind]();
          samples.push({
            ...result,
            family: kind === 'profile' ? 'portal' : 'staff',
            ok: kind === 'write' ? 201 : 200,
            startedAt,
          });
          await sleep(kind === 'write' ? 20 : 100);
        }
      };
      const loops = [loop('read'), loop('write'), loop('profile')];
      await sleep(1000);

      const stoppingAt = Date.now();
      await postgres.stop();
      const downAt = Date.now();
      await sleep(3000);
      const health = await call(server.baseUrl, 'GET', '/healthz', { timeoutMs: ANSWER_DEADLINE_MS });
      const login = await call(server.baseUrl, 'POST', `${STAFF}/token/`, {
        json: { username: 'admin', password: 'whatever-password' },
        timeoutMs: ANSWER_DEADLINE_MS,
      });
      const portalLogin = await call(server.baseUrl, 'POST', '/patient/login', {
        json: { phone: patient.phone, password: patient.password },
        timeoutMs: ANSWER_DEADLINE_MS,
      });
      const write = await call(server.baseUrl, 'POST', `${STAFF}/patient/`, {
        bearer: admin,
        json: { name: '停库时新建', add_time: Math.floor(Date.now() / 1000), state: 0 },
        timeoutMs: ANSWER_DEADLINE_MS,
      });

      const startingAt = Date.now();
      await postgres.start();
      const upAt = Date.now();
      let recoveredAt: number | undefined;
      while (Date.now() - upAt < 30_000) {
        const probe = await call(server.baseUrl, 'GET', `${STAFF}/patient/`, {
          bearer: admin,
          timeoutMs: ANSWER_DEADLINE_MS,
        });
        if (probe.status === 200) {
          recoveredAt = Date.now();
          break;
        }
        await sleep(100);
      }
      await sleep(1500);
      stop = true;
      await Promise.all(loops);

      const before = samples.filter((sample) => sample.startedAt + sample.ms < stoppingAt);
      const during = samples.filter(
        (sample) => sample.startedAt >= downAt && sample.startedAt + sample.ms < startingAt,
      );
      const after = samples.filter((sample) => recoveredAt !== undefined && sample.startedAt > recoveredAt);
      const show = (list: Sample[]) =>
        JSON.stringify(
          list
            .map((sample) => [sample.family, sample.status, Math.round(sample.ms), sample.error ?? sample.body])
            .slice(0, 5),
        ) + (server!.running() ? '' : `\nthe server process died; its output:\n${server!.output()}`);

      // At no moment (stopping and starting included) a 500, a dropped connection or a hang.
      const broken = samples.filter((sample) => sample.status === 0 || (sample.status >= 500 && sample.status !== 503));
      expect(broken, show(broken)).toEqual([]);
      expect(before.length).toBeGreaterThan(3);
      expect(
        before.filter((sample) => sample.status !== sample.ok),
        show(before),
      ).toEqual([]);

      // Down: every answer is a prompt 503 in the family's envelope; nothing hangs or drops.
      expect(during.length).toBeGreaterThan(3);
      const wrong = during.filter(
        (sample) =>
          sample.status !== 503 ||
          !(sample.family === 'staff' ? isStaffErrorEnvelope(sample.body) : isPortalErrorEnvelope(sample.body)),
      );
      expect(wrong, show(wrong)).toEqual([]);
      expect(Math.max(...during.map((sample) => sample.ms))).toBeLessThan(ANSWER_DEADLINE_MS);
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'unavailable', database: 'unreachable' });
      expect(login.status).toBe(503);
      expect(isStaffErrorEnvelope(login.body)).toBe(true);
      expect(portalLogin.status).toBe(503);
      expect(isPortalErrorEnvelope(portalLogin.body)).toBe(true);
      expect(write.status).toBe(503);
      expect(isStaffErrorEnvelope(write.body)).toBe(true);

      // Up again: the same process serves 200s by itself.
      expect(recoveredAt, 'service did not resume within 30 s of PostgreSQL starting').toBeDefined();
      expect(after.length).toBeGreaterThan(3);
      expect(
        after.filter((sample) => sample.status !== sample.ok),
        show(after),
      ).toEqual([]);
      expect((await call(server.baseUrl, 'GET', '/healthz')).status).toBe(200);
      // The write refused during the outage left nothing behind.
      const search = await call(server.baseUrl, 'GET', `${STAFF}/patient/`, {
        bearer: admin,
        query: { keyword: '停库时新建' },
      });
      expect(search.body.total).toBe(0);
      expect(server.running()).toBe(true);
      expect(server.pid()).toBe(serverPid);

      const latencies = [...during.map((sample) => sample.ms), health.ms, login.ms, portalLogin.ms, write.ms];
      console.log(
        `[faults] database outage (postgres): ${during.length + 4} requests while down, all 503 in the envelope; ` +
          `latency p50 ${quantile(latencies, 0.5).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (limit ${ANSWER_DEADLINE_MS} ms); ` +
          `service resumed ${((recoveredAt ?? upAt) - upAt).toFixed(0)} ms after PostgreSQL was back, same server process`,
      );
    },
  );
});
