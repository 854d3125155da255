// `npm start` and `npm run cli` run the compiled server (dist/server) and serve the built web UI
// (dist/web). This builds whichever is missing or older than its sources, so a fresh clone's
// `npm install && npm start` serves the whole product and an updated checkout never serves an old
// build. Where the sources are absent (a production image holds only dist/), it does nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const parts = [
  {
    name: 'server',
    output: 'dist/server/server.js',
    sources: ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    script: 'build:server',
  },
  {
    name: 'web UI',
    output: 'dist/web/index.html',
    sources: ['web', 'vite.config.ts', 'package-lock.json'],
    script: 'build:web',
  },
];

/** Newest modification time under these paths (files and folders, recursively), 0 when none exists. */
function newestChange(paths) {
  let newest = 0;
  const visit = (entry) => {
    const stats = statSync(entry, { throwIfNoEntry: false });
    if (!stats) return;
    newest = Math.max(newest, stats.mtimeMs);
    if (stats.isDirectory())
      for (const name of readdirSync(entry)) if (name !== 'node_modules') visit(path.join(entry, name));
  };
  for (const entry of paths) visit(entry);
  return newest;
}

for (const part of parts) {
  if (!existsSync(part.sources[0])) continue;
  // The stamp, not the output: an incremental compile leaves unchanged outputs as they were.
  const stamp = `${path.dirname(part.output)}/.built-at`;
  const builtAt = existsSync(part.output) ? (statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0) : 0;
  if (builtAt > 0 && newestChange(part.sources) <= builtAt) continue;
  console.log(
    builtAt > 0
      ? `The ${part.name} sources changed since its build: rebuilding it (npm run ${part.script})...`
      : `No ${part.name} build found: building it (npm run ${part.script})...`,
  );
  const result = spawnSync('npm', ['run', part.script], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
