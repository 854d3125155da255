import { spawnSync } from 'node:child_process';

/** The browser tests need the current web UI: build it once per test run (about 2 s). */
export default function setup(): void {
  if (process.env.SKIP_WEB_BUILD === '1') return;
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('web UI build failed');
}
