import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomPort } from './spawned-server.js';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own (initdb + pg_ctl on a random port, recipe in
 * STACK-NOTES), so a test may stop and restart it without touching the shared one.
 * fsync stays on: what it proves must hold on a real server.
 */
export interface PrivatePostgres {
  readonly port: number;
  /** URL of its `postgres` database. */
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its files. */
  destroy(): Promise<void>;
}

function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN && existsSync(path.join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((version) => path.join(root, version, 'bin')).find((dir) => existsSync(path.join(dir, 'initdb')));
}

const isRoot = (): boolean => userInfo().uid === 0;

/** Why no private instance can be started here, or undefined when one can. */
export function privatePostgresUnavailable(): string | undefined {
  if (postgresBinDir() === undefined) return 'no initdb found (install PostgreSQL or set PG_BIN)';
  if (isRoot() && spawnSync('id', ['postgres']).status !== 0)
    return 'running as root but there is no postgres user to run initdb as';
  return undefined;
}

const running = new Set<() => void>();
process.once('exit', () => {
  for (const stopNow of running) stopNow();
});

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error(privatePostgresUnavailable());
  const dir = mkdtempSync(path.join(tmpdir(), 'carepool-pg-'));
  // PostgreSQL refuses to run as root: root runs it as the postgres user.
  const as = (tool: string, args: string[]): [string, string[]] =>
    isRoot() ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
  if (isRoot()) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim()), -1);
  const data = path.join(dir, 'data');
  await run(
    ...as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']),
  );

  let port = 0;
  const start = async () => {
    await run(
      ...as('pg_ctl', [
        '-D',
        data,
        '-l',
        path.join(dir, 'log'),
        '-w',
        '-t',
        '30',
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
        'start',
      ]),
    );
  };
  const stop = async () => {
    await run(...as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']));
  };
  const stopNow = () => {
    spawnSync(...as('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']));
  };
  for (let attempt = 0; ; attempt += 1) {
    port = randomPort();
    try {
      await start();
      break;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
  running.add(stopNow);
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    destroy: async () => {
      running.delete(stopNow);
      await stop().catch(stopNow);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
