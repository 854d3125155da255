import { fileURLToPath } from 'node:url';

/**
 * The server as production runs it, compiled by `npm run build:server` (the test run's global
 * set-up compiles it first, incrementally). Tests that start the server as its own process use it.
 */
export const COMPILED_SERVER = fileURLToPath(new URL('../../dist/server/server.js', import.meta.url));
