import type { PermissionKey } from '../domain/permissions.js';

/**
 * What a route requires, declared on the route itself and checked by one hook per family:
 * - 'public': no token (login, register, catalog browsing, health);
 * - 'authenticated': any signed-in staff user (menu, own password);
 * - 'patient': a signed-in patient (portal);
 * - a permission key, or a list of which any one suffices (staff).
 * A route without a declaration is refused at start-up, so none is unguarded by accident.
 */
export type RouteAccess = 'public' | 'authenticated' | 'patient' | PermissionKey | readonly PermissionKey[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** Login forms answer schema failures with the seed's 40036 / 40035. */
    credentialErrors?: boolean;
  }
}
