import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_PREFIX } from '../../src/http/envelopes.js';
import type { RouteTableEntry } from '../../src/http/route-table.js';
import { createStaffUser, DEFAULT_ROLE, registerAndLoginPatient, STAFF, staffLogin } from '../support/fixtures.js';
import type { HttpResponse } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  type Caller,
  concretePath,
  type Expected,
  expectedOutcome,
  type Family,
  familyOfRoute,
  permissionsOfRole,
} from './expected-outcome.js';

/**
 * Every staff and portal route, as the app registered it, called by every default role, a
 * patient and nobody. The expected answer comes from the route's declared access and the
 * role's permissions in the database, so a new route is covered (or fails) without an edit here.
 */
let server: TestServer;
let callers: Caller[];
const staffPasswords = new Map<string, string>();
let patientLogin: { phone: string; password: string };

/** Routes after which the caller's token no longer works (sign-out, refresh rotation). */
const SESSION_ENDING = new Set([`DELETE ${STAFF}/token`, `PATCH ${STAFF}/token`, `POST ${PORTAL_PREFIX}/logout`]);

async function signInEveryone(): Promise<void> {
  const next: Caller[] = [{ kind: 'none', label: 'no token' }];
  for (const [label, roleName] of Object.entries(DEFAULT_ROLE)) {
    const username = `matrix_${label}`;
    const password = 'matrix-password-1';
    const token = staffPasswords.has(username)
      ? await staffLogin(server.http, username, password)
      : (await createStaffUser(server, username, roleName, password)).token;
    staffPasswords.set(username, password);
    next.push({
      kind: 'staff',
      label: `${roleName} (${label})`,
      token,
      permissions: await permissionsOfRole(server, roleName),
    });
  }
  const login = await server.http.post(`${PORTAL_PREFIX}/login`, { json: patientLogin });
  expect(login.status, login.text).toBe(200);
  next.push({ kind: 'patient', label: 'patient token', token: login.body.data.token as string });
  callers = next;
}

beforeAll(async () => {
  server = await startTestServer();
  const patient = await registerAndLoginPatient(server.http);
  patientLogin = { phone: patient.phone, password: patient.password };
  await signInEveryone();
});
afterAll(async () => server?.close());

function call(route: RouteTableEntry, caller: Caller): Promise<HttpResponse> {
  const hasBody = route.method !== 'GET';
  return server.http.request(route.method, concretePath(route.url), {
    ...(caller.kind === 'none' ? {} : { bearer: caller.token }),
    ...(hasBody ? { json: {} } : {}),
  });
}

function isEnvelope(family: Family, body: any): boolean {
  if (family === 'staff') return typeof body?.state_code === 'number' && typeof body?.msg === 'string';
  return body?.code === 0 && body?.data === null && typeof body?.msg === 'string';
}

/** Returns what is wrong with one answer, or undefined when it is what the declaration implies. */
function mismatch(family: Family, expected: Expected, response: HttpResponse): string | undefined {
  const got = `${response.status} ${response.text.slice(0, 120)}`;
  if (response.status >= 500) return `server error: ${got}`;
  switch (expected.outcome) {
    case 'misdeclared':
      return expected.reason;
    case 'refused': {
      if (response.status !== expected.status || !isEnvelope(family, response.body))
        return `expected ${expected.status} in the envelope, got ${got}`;
      if (family === 'staff' && response.body.state_code !== expected.staffStateCode)
        return `expected state_code ${expected.staffStateCode}, got ${got}`;
      return undefined;
    }
    case 'guard-passes':
      return response.status === 401 || response.status === 403
        ? `the guard refused an allowed caller: ${got}`
        : undefined;
    case 'not-guarded':
      return family === 'staff' && response.body?.state_code === 48001
        ? `a public route answered 48001: ${got}`
        : undefined;
  }
}

describe('permission matrix over the route table', () => {
  it('answers every route x caller as its declared access says', async () => {
    const routes = server.app.routeTable().filter((route) => familyOfRoute(route.url) !== undefined);
    const staffRoutes = routes.filter((route) => familyOfRoute(route.url) === 'staff');
    // Guards against a route table that silently stopped recording (the matrix would pass empty).
    expect(staffRoutes.length).toBeGreaterThan(50);
    expect(routes.length - staffRoutes.length).toBeGreaterThan(10);

    const problems: string[] = [];
    const tally: Record<Expected['outcome'], number> = {
      'guard-passes': 0,
      refused: 0,
      'not-guarded': 0,
      misdeclared: 0,
    };
    for (const route of routes) {
      const family = familyOfRoute(route.url) as Family;
      const outcomes = await Promise.all(
        callers.map(async (caller) => ({
          caller,
          expected: expectedOutcome(route, family, caller),
          response: await call(route, caller),
        })),
      );
      for (const { caller, expected, response } of outcomes) {
        tally[expected.outcome] += 1;
        const problem = mismatch(family, expected, response);
        if (problem) problems.push(`${route.method} ${route.url} as ${caller.label}: ${problem}`);
      }
      if (SESSION_ENDING.has(`${route.method} ${route.url}`)) await signInEveryone();
    }
    const cells = routes.length * callers.length;
    console.log(
      `permission matrix: ${routes.length} routes (${staffRoutes.length} staff, ${routes.length - staffRoutes.length} portal) x ${callers.length} callers = ${cells} cells ${JSON.stringify(tally)}`,
    );
    expect(problems).toEqual([]);
    // Each kind of answer must really occur, or the matrix is not testing what it claims.
    for (const outcome of ['guard-passes', 'refused', 'not-guarded'] as const)
      expect(tally[outcome]).toBeGreaterThan(routes.length / 10);
  });

  it('refuses a role the moment its permission is taken away (no stale cache)', async () => {
    const frontDesk = callers.find(
      (caller) => caller.kind === 'staff' && caller.label.startsWith(DEFAULT_ROLE.frontDesk),
    );
    if (frontDesk?.kind !== 'staff') throw new Error('front desk caller missing');
    const before = await server.http.get(`${STAFF}/patient/`, { bearer: frontDesk.token });
    expect(before.status, before.text).toBe(200);
    const role = await server.database.db
      .selectFrom('roles')
      .select('id')
      .where('name', '=', DEFAULT_ROLE.frontDesk)
      .executeTakeFirstOrThrow();
    const admin = await staffLogin(server.http);
    const withoutPatients = [...frontDesk.permissions].filter(
      (key) => key !== 'patients' && !key.startsWith('patients:'),
    );
    expect(withoutPatients.length).toBeLessThan(frontDesk.permissions.size);
    const put = await server.http.put(`${STAFF}/roles/${role.id}/permissions`, {
      bearer: admin,
      json: { keys: withoutPatients },
    });
    expect(put.status, put.text).toBe(200);
    const after = await server.http.get(`${STAFF}/patient/`, { bearer: frontDesk.token });
    expect(after.status).toBe(403);
    expect(after.body.state_code).toBe(48001);
  });
});
