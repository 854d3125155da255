import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/*
 * The servers under test run as separate processes (never in the load generator's), spawned
 * as `node --import tsx <entry>` so that the pid we watch for memory IS the server.
 */
export interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The server as production runs it: compiled JavaScript under dist/server (see buildServer). */
export const COMPILED_SERVER = fileURLToPath(new URL('../dist/server/server.js', import.meta.url));

/** Compiles the server (incrementally: a second build with nothing changed takes about 2 s). */
export function buildServer(): void {
  const result = spawnSync('npm', ['run', 'build:server', '--silent'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build:server failed');
}

/**
 * Below Linux's ephemeral range (32768-60999): a port from inside it could be held at that
 * moment by one of the load generator's own outgoing connections (EADDRINUSE, seen once
 * after the export scenarios). A clash with a listening port is retried on another.
 */
const randomPort = (): number => 20_000 + Math.floor(Math.random() * 12_000);
const START_ATTEMPTS = 3;

export async function startServer(
  entry: string,
  env: Record<string, string>,
  readyPath: string,
): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnPort(entry, env, readyPath, randomPort());
    } catch (error) {
      if (attempt >= START_ATTEMPTS || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

async function startOnPort(
  entry: string,
  env: Record<string, string>,
  readyPath: string,
  port: number,
): Promise<ServerProcess> {
  // Compiled JavaScript runs as production runs it; a TypeScript entry (the bare baseline route) through tsx.
  const child: ChildProcess = spawn(process.execPath, entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    // Logs go to /dev/null: the logger still does all its work, the terminal stays readable.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(url + readyPath)).status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${entry} did not start in 60 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => (clearTimeout(timer), resolve()));
        child.kill('SIGTERM');
      }),
  };
}

function statusField(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Peak RSS while `work` runs: the kernel's high-water mark, reset first (clear_refs 5). */
export async function measurePeakRss<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; peakBytes: number; startBytes: number }> {
  const startBytes = statusField(pid, 'VmRSS');
  let sampled = startBytes;
  let resetWorked = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    resetWorked = false;
  }
  // Sampling as a fallback where the high-water mark cannot be reset.
  const timer = setInterval(() => (sampled = Math.max(sampled, statusField(pid, 'VmRSS'))), 50);
  try {
    const result = await work();
    const peakBytes = resetWorked ? Math.max(statusField(pid, 'VmHWM'), sampled) : sampled;
    return { result, peakBytes, startBytes };
  } finally {
    clearInterval(timer);
  }
}
