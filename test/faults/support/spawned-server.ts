import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { COMPILED_SERVER } from '../../support/compiled-server.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, TEST_JWT_SECRET } from '../../support/server.js';
import { call } from './client.js';

/**
 * The real server as its own OS process, as production runs it (`node dist/server/server.js`,
 * without the npm wrapper, so a SIGKILL hits the server itself and not a parent that would leave
 * it orphaned). Fault tests kill it, restart it and run several side by side.
 */
export interface SpawnedServer {
  readonly port: number;
  readonly baseUrl: string;
  /** Process id of the running server (changes on restart). */
  pid(): number | undefined;
  running(): boolean;
  /** Sends the signal and waits for the process to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts again on the same port, database and environment. */
  restart(): Promise<void>;
  /** The last few kB of the server's stdout and stderr, for failure messages. */
  output(): string;
}

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const READY_TIMEOUT_MS = 45_000;
const live = new Set<ChildProcess>();

// Whatever happens to the test (failure, timeout, Ctrl-C), no server outlives it.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export const randomPort = (): number => 40_000 + Math.floor(Math.random() * 20_000);

/** Environment of a spawned server: quiet logs, no request rate limit, the test admin and secret. */
export function serverEnv(
  databaseUrl: string,
  dataDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_USERNAME,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    ...extra,
  };
}

export async function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  let lastError: unknown;
  // A random port may be taken by another engineer's process: try a few.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = randomPort();
    const server = new ServerProcess(port, env);
    try {
      await server.start();
      return server;
    } catch (error) {
      lastError = error;
      await server.kill('SIGKILL');
      if (!server.output().includes('EADDRINUSE')) break;
    }
  }
  throw lastError;
}

class ServerProcess implements SpawnedServer {
  readonly baseUrl: string;
  private child: ChildProcess | undefined;
  private exit: Promise<void> = Promise.resolve();
  private log = '';

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  pid(): number | undefined {
    return this.child?.pid;
  }

  running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.log;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [COMPILED_SERVER], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...this.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.add(child);
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exit = new Promise((resolve) => {
      child.once('exit', () => {
        live.delete(child);
        resolve();
      });
    });
    await this.waitReady();
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.running()) throw new Error(`server exited during start-up:\n${this.log}`);
      const health = await call(this.baseUrl, 'GET', '/healthz', { timeoutMs: 1000 });
      // 429: up and answering, only rate-limited (tests with a tiny RATE_LIMIT_PER_MINUTE).
      if (health.status === 200 || health.status === 429) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`server not ready after ${READY_TIMEOUT_MS} ms:\n${this.log}`);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running()) this.child?.kill(signal);
    await this.exit;
  }

  async restart(): Promise<void> {
    await this.kill('SIGKILL');
    await this.start();
  }
}
