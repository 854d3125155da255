import type { FastifyInstance } from 'fastify';
import type { RouteAccess } from './route-config.js';

/** One registered route as the permission matrix sees it: the declared access, or none. */
export interface RouteTableEntry {
  method: string;
  /** Full path with prefix, in Fastify syntax (`/back_end/api/v1/patient/:id`). */
  url: string;
  access: RouteAccess | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered so far (HEAD twins left out), in registration order. */
    routeTable(): readonly RouteTableEntry[];
  }
}

/**
 * Records every route with its declared access, so tests can derive the permission matrix
 * from what the app really serves instead of a hand-kept list. Install before any route
 * is registered: onRoute hooks only see routes added after them.
 */
export function installRouteTable(app: FastifyInstance): void {
  const entries: RouteTableEntry[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      entries.push({ method, url: route.url, access: route.config?.access });
    }
  });
  app.decorate('routeTable', () => entries);
}
