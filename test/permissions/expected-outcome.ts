import { effectivePermissions, type PermissionKey } from '../../src/domain/permissions.js';
import { PORTAL_PREFIX, STAFF_PREFIX } from '../../src/http/envelopes.js';
import type { RouteAccess } from '../../src/http/route-config.js';
import type { RouteTableEntry } from '../../src/http/route-table.js';
import type { TestServer } from '../support/server.js';

/**
 * What the guard should answer, computed from the route's declaration and the caller's
 * role as stored in the database, never from the guard's own code: the matrix checks the
 * guard, it must not share its mistakes.
 */
export type Caller =
  | { kind: 'none'; label: string }
  | { kind: 'patient'; label: string; token: string }
  | { kind: 'staff'; label: string; token: string; permissions: ReadonlySet<PermissionKey> };

export type Expected =
  | { outcome: 'guard-passes' }
  | { outcome: 'refused'; status: 401 | 403; staffStateCode: number }
  | { outcome: 'not-guarded' }
  | { outcome: 'misdeclared'; reason: string };

export type Family = 'staff' | 'portal';

export function familyOfRoute(url: string): Family | undefined {
  if (url.startsWith(`${STAFF_PREFIX}/`) || url === STAFF_PREFIX) return 'staff';
  if (url === PORTAL_PREFIX || url.startsWith(`${PORTAL_PREFIX}/`)) return 'portal';
  return undefined;
}

const NO_TOKEN = { outcome: 'refused', status: 401, staffStateCode: 41001 } as const;
const WRONG_FAMILY = { outcome: 'refused', status: 401, staffStateCode: 40014 } as const;
const FORBIDDEN = { outcome: 'refused', status: 403, staffStateCode: 48001 } as const;

function roleGrants(
  permissions: ReadonlySet<PermissionKey>,
  access: Exclude<RouteAccess, 'public' | 'patient'>,
): boolean {
  if (access === 'authenticated') return true;
  const anyOf: readonly PermissionKey[] = typeof access === 'string' ? [access] : access;
  return anyOf.some((key) => permissions.has(key));
}

export function expectedOutcome(route: RouteTableEntry, family: Family, caller: Caller): Expected {
  const { access } = route;
  if (access === undefined) return { outcome: 'misdeclared', reason: 'declares no config.access' };
  if (access === 'public') return { outcome: 'not-guarded' };
  if (family === 'portal') {
    if (access !== 'patient')
      return { outcome: 'misdeclared', reason: `portal route declares staff access ${JSON.stringify(access)}` };
    if (caller.kind === 'none') return NO_TOKEN;
    // A staff token fails the patient audience check: the portal says "invalid token".
    if (caller.kind === 'staff') return WRONG_FAMILY;
    return { outcome: 'guard-passes' };
  }
  if (access === 'patient') return { outcome: 'misdeclared', reason: "staff route declares 'patient'" };
  if (caller.kind === 'none') return NO_TOKEN;
  if (caller.kind === 'patient') return WRONG_FAMILY;
  return roleGrants(caller.permissions, access) ? { outcome: 'guard-passes' } : FORBIDDEN;
}

/** A role's effective permissions as the database holds them (module + action semantics). */
export async function permissionsOfRole(server: TestServer, roleName: string): Promise<ReadonlySet<PermissionKey>> {
  const rows = await server.database.db
    .selectFrom('role_permissions')
    .innerJoin('roles', 'roles.id', 'role_permissions.role_id')
    .select('role_permissions.permission_key')
    .where('roles.name', '=', roleName)
    .execute();
  return effectivePermissions(rows.map((row) => row.permission_key));
}

/**
 * Path parameters that pass any format check but name nothing, so a caller who gets past
 * the guard meets a 400/404 and the matrix changes no data.
 */
export function concretePath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, (_match, name: string) => {
    if (name === 'period') return 'morning';
    if (name === 'weekday') return '3';
    if (name === 'file') return `${'0'.repeat(32)}.png`;
    return '987654321';
  });
}
