#!/usr/bin/env node
// `npx carepool <command>`: runs the TypeScript CLI through tsx (a runtime dependency),
// the same way `npm start` runs the server, so there is no separate build to keep in step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
