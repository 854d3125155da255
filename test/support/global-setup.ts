import { spawnSync } from 'node:child_process';

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${what} failed`);
}

/**
 * Builds what tests run besides the sources: the compiled server (tests that start it as a process
 * or run the CLI use dist/server, as production does; incremental, ~2 s when nothing changed) and
 * the web UI for the browser tests (~2 s). `npm test` builds both once and skips this per phase.
 */
export default function setup(): void {
  if (process.env.SKIP_SERVER_BUILD !== '1')
    run('npx', ['tsc', '-p', 'tsconfig.build.json'], 'server build (tsc -p tsconfig.build.json)');
  if (process.env.SKIP_WEB_BUILD !== '1') run('npx', ['vite', 'build', '--logLevel', 'warn'], 'web UI build');
}
