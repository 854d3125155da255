import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { buildFuzzWorld } from './fuzz-world.js';
import { dataInvariantViolations } from './invariants.js';
import { operationsOf, requestArbitrary } from './operations.js';
import { answerProblem, carriesValidToken, sendFuzzRequest } from './send.js';

/**
 * Property-based fuzzing of every operation in /docs/json: valid-ish requests with one
 * thing broken (types, bounds, huge or odd text, missing and extra fields, encodings,
 * tokens). No answer may be a 5xx or leave its family's envelope, no bad token may pass a
 * guard, and afterwards the stored data must still hold together.
 *
 * FUZZ_RUNS (default 10) sets the cases per operation; FUZZ_SEED (default fixed) varies them.
 * A failure prints the request; the same seed replays the same cases.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10);
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_607);

const server = await startTestServer();
afterAll(async () => server.close());
const world = await buildFuzzWorld(server).catch(async (error: unknown) => {
  await server.close();
  throw error;
});
const openApi = (await server.http.get('/docs/json')).body;
const normalize = (url: string) => (url.length > 1 ? url.replace(/\/$/, '') : url);
const accessByRoute = new Map(
  server.app.routeTable().map((route) => [`${route.method} ${normalize(route.url)}`, route.access]),
);
const operations = operationsOf(openApi, (method, url) => accessByRoute.get(`${method} ${normalize(url)}`));
const hostileTokenCount = Math.min(world.hostileTokens.staff.length, world.hostileTokens.patient.length);

const failedRequestIds: string[] = [];
const statusTally = new Map<number, number>();
let cases = 0;

/** Each operation has its own seed, so adding an operation does not change the others' cases. */
function seedOf(key: string): number {
  let hash = 2166136261;
  for (const char of key) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return (hash ^ SEED) >>> 0;
}

describe('the OpenAPI description', () => {
  it('lists the staff and portal operations, each with a declared access', () => {
    expect(operations.length).toBeGreaterThan(70);
    const undeclared = operations.filter((operation) => operation.family !== 'other' && operation.access === undefined);
    expect(undeclared.map((operation) => `${operation.method} ${operation.path}`)).toEqual([]);
  });
});

describe.each(operations)('fuzzing $method $path', (operation) => {
  it('never answers 5xx, keeps the envelope and the guard', { timeout: Math.max(30_000, RUNS * 1_000) }, async () => {
    const problems: string[] = [];
    const family = operation.family === 'portal' ? 'patient' : 'staff';
    await fc.assert(
      fc.asyncProperty(requestArbitrary(operation, world.pools, hostileTokenCount), async (request) => {
        cases += 1;
        const requestId = `fuzz-${cases}`;
        const { response, description } = await sendFuzzRequest(server, world, operation, request, requestId);
        statusTally.set(response.status, (statusTally.get(response.status) ?? 0) + 1);
        if (response.status >= 400) failedRequestIds.push(requestId);
        // Sign-out, refresh and password changes end the fuzzer's own session: take a new one.
        const endsSession = response.status < 300 && /token|logout|password/.test(operation.path);
        if (carriesValidToken(request, operation) && (response.status === 401 || endsSession))
          world.tokenRevoked(family);
        const problem = answerProblem(operation, request, response);
        if (problem) problems.push(`${problem}\n      request: ${description}`);
      }),
      { seed: seedOf(`${operation.method} ${operation.path}`), numRuns: RUNS },
    );
    expect(problems).toEqual([]);
  });
});

describe('after the fuzzing', () => {
  it('leaves nothing half-written', async () => {
    const statuses = [...statusTally.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}:${count}`);
    console.log(
      `fuzz: ${cases} cases over ${operations.length} operations (${RUNS} each, seed ${SEED}); answers ${statuses.join(' ')}`,
    );
    expect(cases).toBe(operations.length * RUNS);
    // Most cases must get past the guard and the parsers, or the fuzzer only tests the front door.
    const reachedHandlers = [...statusTally.entries()]
      .filter(([status]) => status !== 401 && status !== 413 && status !== 415)
      .reduce((sum, [, count]) => sum + count, 0);
    expect(reachedHandlers / cases).toBeGreaterThan(0.6);
    const violations = await dataInvariantViolations(server.database.db, failedRequestIds);
    expect(Object.fromEntries(Object.entries(violations).filter(([, rows]) => rows.length > 0))).toEqual({});
  });
});
