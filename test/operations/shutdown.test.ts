import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../src/db/database.js';
import { COMPILED_SERVER } from '../support/compiled-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PASSWORD = 'shutdown-admin-pass-1';
const IN_FLIGHT = 60;

let database: TestDatabase;
let child: ChildProcess | undefined;
let output = '';

/** Resolves when the server's log has `count` lines matching `pattern`. */
function logLines(pattern: RegExp, count = 1, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (output.split('\n').filter((line) => pattern.test(line)).length >= count) return resolve();
      if (Date.now() - started > timeoutMs)
        return reject(new Error(`timed out waiting for ${pattern} x${count}; log:\n${output.slice(-3000)}`));
      setTimeout(check, 5);
    };
    check();
  });
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await database?.drop();
});

describe('graceful shutdown of the real server process', () => {
  it('on SIGTERM finishes every in-flight request with 200, refuses new connections, closes the database and exits 0', async () => {
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    child = spawn(process.execPath, [COMPILED_SERVER], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: database.url,
        DATA_DIR: database.dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_USERNAME: 'admin',
        ADMIN_PASSWORD: PASSWORD,
        JWT_SECRET: 'shutdown-test-secret-long-enough-0123456789',
        LOG_LEVEL: 'info',
        RATE_LIMIT_PER_MINUTE: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    // Generous: a start on a busy CI machine can take many seconds.
    await logLines(/Server listening at/, 1, 60_000);

    // Portal registrations spend ~20 ms of argon2 each on a small thread pool: a burst of them
    // keeps requests in flight long enough to signal in the middle of it. (Not sign-ins: the
    // login throttle lets only 5 checks of one account run at once.)
    const base = `http://127.0.0.1:${port}`;
    const burst = Array.from({ length: IN_FLIGHT }, (_, index) =>
      fetch(`${base}/patient/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          phone: `1370000${String(index).padStart(4, '0')}`,
          password: 'shutdown-patient-1',
          name: `患者${index}`,
        }),
      })
        .then(async (response) => ({
          status: response.status,
          code: ((await response.json()) as { code?: number }).code,
        }))
        .catch((error: Error) => ({ status: 0, code: undefined, error: error.message })),
    );
    await logLines(/"url":"\/patient\/register".*incoming request/, IN_FLIGHT);
    child.kill('SIGTERM');
    await logLines(/shutting down: finishing in-flight requests/);
    // The listener closes a moment after that line is written: poll briefly, but while
    // the burst is still unanswered, so "refused" is proven during the drain.
    let refusedWhileDraining = false;
    let burstSettled = false;
    void Promise.all(burst).then(() => (burstSettled = true));
    for (let attempt = 0; attempt < 40 && !refusedWhileDraining && !burstSettled; attempt += 1) {
      refusedWhileDraining = await connectionRefused(port);
      if (!refusedWhileDraining) await new Promise((resolve) => setTimeout(resolve, 25));
    }

    const results = await Promise.all(burst);
    const code = await exited;

    const lines = output.split('\n');
    const shutdownAt = lines.findIndex((line) => line.includes('shutting down'));
    const completedAfterSignal = lines.slice(shutdownAt).filter((line) => line.includes('request completed')).length;
    // The test only proves something if requests really were still running at the signal.
    expect(completedAfterSignal, output.slice(-2000)).toBeGreaterThan(0);
    expect(results.map((result) => result.status)).toEqual(Array(IN_FLIGHT).fill(200));
    expect(results.every((result) => result.code === 1)).toBe(true);
    expect(refusedWhileDraining).toBe(true);
    expect(await connectionRefused(port)).toBe(true);
    expect(output).toContain('shutdown complete');
    expect(code).toBe(0);
    if (database.url.startsWith('sqlite:')) {
      // A cleanly closed SQLite connection checkpoints and removes its write-ahead log.
      expect(existsSync(`${sqlitePathFromUrl(database.url)}-wal`)).toBe(false);
    }
  }, 120_000);
});
