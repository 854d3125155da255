import type { FastifyRequest } from 'fastify';
import { effectivePermissions, type PermissionKey } from '../../domain/permissions.js';
import { AppError } from '../../http/errors.js';
import type { RouteAccess } from '../../http/route-config.js';
import type { TokenService } from '../../security/tokens.js';
import type { StaffAuthRepository } from './repository.js';

/**
 * The staff token may come as `Authorization: Bearer`, as `token` in the query string, or
 * as `token` in a form or JSON body (the seed's clients send it all three ways).
 */
export function extractStaffToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^Bearer\s+/i.test(header)) {
    const value = header.replace(/^Bearer\s+/i, '').trim();
    if (value) return value;
  }
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.token;
  if (typeof fromQuery === 'string' && fromQuery !== '') return fromQuery;
  const body = request.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const fromBody = (body as Record<string, unknown>).token;
    if (typeof fromBody === 'string' && fromBody !== '') return fromBody;
  }
  return undefined;
}

/**
 * Role permissions cached per (role, version): every request already reads the role's
 * version with the session, so a permission change anywhere is seen at once by every
 * instance while unchanged roles cost no extra query.
 */
class RolePermissionCache {
  private readonly entries = new Map<number, { version: number; permissions: ReadonlySet<PermissionKey> }>();

  constructor(private readonly repository: StaffAuthRepository) {}

  async get(roleId: number, version: number): Promise<ReadonlySet<PermissionKey>> {
    const cached = this.entries.get(roleId);
    if (cached && cached.version === version) return cached.permissions;
    const loaded = await this.repository.permissionsOfRole(roleId);
    const permissions = effectivePermissions(loaded.keys);
    this.entries.set(roleId, { version: loaded.version, permissions });
    return permissions;
  }
}

export function hasAccess(permissions: ReadonlySet<PermissionKey>, access: RouteAccess): boolean {
  if (access === 'authenticated') return true;
  if (access === 'public' || access === 'patient') return false;
  const required: readonly PermissionKey[] = typeof access === 'string' ? [access as PermissionKey] : access;
  return required.some((key) => permissions.has(key));
}

export class StaffGuard {
  private readonly permissionCache: RolePermissionCache;

  constructor(
    private readonly tokens: TokenService,
    private readonly repository: StaffAuthRepository,
  ) {
    this.permissionCache = new RolePermissionCache(repository);
  }

  /** preValidation hook: runs before schema validation so a missing token is 41001, not 44001. */
  readonly authenticate = async (request: FastifyRequest): Promise<void> => {
    const access = request.routeOptions.config.access;
    if (access === undefined) throw new AppError('permission_denied');
    if (access === 'public') return;
    const token = extractStaffToken(request);
    if (!token) throw new AppError('token_missing');
    const verified = await this.tokens.verify('staff', token);
    const principal = await this.repository.findPrincipalBySession(verified.sessionId);
    if (!principal || principal.id !== verified.subjectId) throw new AppError('token_invalid');
    if (principal.is_active !== 1) throw new AppError('account_disabled');
    const permissions = await this.permissionCache.get(principal.role_id, principal.role_version);
    request.staff = {
      id: principal.id,
      username: principal.username,
      displayName: principal.display_name,
      roleId: principal.role_id,
      permissions,
      sessionId: verified.sessionId,
      doctorId: principal.doctor_id,
    };
    if (!hasAccess(permissions, access)) throw new AppError('permission_denied');
  };
}
