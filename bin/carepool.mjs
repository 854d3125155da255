#!/usr/bin/env node
// `npx carepool <command>`: the operations CLI, compiled with the server (dist/server).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/server/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  console.error(
    'carepool: no server build in dist/server. Run "npm run build" (npm start and npm run cli do it when needed).',
  );
  process.exit(2);
}
await import(entry.href);
