import { type Static, Type } from 'typebox';
import type { PermissionKey } from '../../domain/permissions.js';
import { staffOf } from '../../http/request-context.js';
import { StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { menuFor } from './menu-tree.js';

const MenuLeafSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  name: Type.String(),
  url: Type.String(),
});
const MenuSchema = Type.Array(
  Type.Object({ title: Type.String(), name: Type.String(), url: Type.String(), child: Type.Array(MenuLeafSchema) }),
);

/**
 * A menu's JSON per permission set. The guard hands out one set per role and role version
 * (RolePermissionCache), so each role's menu is built and serialized once; a permission change
 * makes a new set, which gets its menu anew, and the old entry goes with the old set.
 */
const menuJson = new WeakMap<ReadonlySet<PermissionKey>, string>();

function menuJsonFor(permissions: ReadonlySet<PermissionKey>): string {
  let json = menuJson.get(permissions);
  if (json === undefined) {
    json = JSON.stringify(menuFor(permissions));
    menuJson.set(permissions, json);
  }
  return json;
}

export function registerMenuRoutes(app: TypedApp): void {
  app.get('/menu', {
    schema: {
      tags: ['staff: menu'],
      summary: "The signed-in user's menu (seed 004): only the entries the role permits",
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: MenuSchema }, [401, 403]),
    },
    config: { access: 'authenticated' },
    // The JSON is sent as it is: Fastify does not serialize a string payload again, which is
    // the saving (SQLite bench, menu: 15.1-15.3k -> 17.3-19.3k requests/s; caching the entries
    // alone and serializing them per request gained nothing). The schema above still states it.
    handler: async (request, reply) =>
      reply
        .type('application/json; charset=utf-8')
        .send(menuJsonFor(staffOf(request).permissions) as unknown as Static<typeof MenuSchema>),
  });
}
