import { auditActorOf, nowSeconds } from '../../http/request-context.js';
import { DeletedResponse, IdParams, StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { RoleView } from './repository.js';
import {
  PermissionTreeResponse,
  RoleListResponse,
  RoleNameBody,
  RoleResponse,
  UpdatePermissionsBody,
} from './schemas.js';
import type { RoleService } from './service.js';

const TAG = 'staff: roles';

const toWireRole = (role: RoleView) => ({
  id: String(role.id),
  name: role.name,
  builtinKey: role.builtin_key,
  userCount: role.user_count,
  createdAt: String(role.created_at),
});

export function registerRoleRoutes(app: TypedApp, service: RoleService): void {
  app.get('/roles', {
    schema: {
      tags: [TAG],
      summary: 'Roles with the number of accounts holding each',
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: RoleListResponse }, [401, 403]),
    },
    config: { access: 'staff:roles' },
    handler: async () => ({ roles: (await service.list()).map(toWireRole) }),
  });

  app.post('/roles', {
    schema: {
      tags: [TAG],
      summary: 'Create a role (no permissions yet) -> 201 {role}',
      description: 'A name already in use answers 409.',
      body: RoleNameBody,
      response: withErrors('staff', { 201: RoleResponse }, [400, 401, 403, 409]),
    },
    config: { access: 'staff:roles' },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send({ role: toWireRole(await service.create(request.body.name, auditActorOf(request), nowSeconds())) }),
  });

  app.patch('/roles/:id', {
    schema: {
      tags: [TAG],
      summary: 'Rename a role',
      params: IdParams,
      body: RoleNameBody,
      response: withErrors('staff', { 200: RoleResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'staff:roles' },
    handler: async (request) => ({
      role: toWireRole(await service.rename(request.params.id, request.body.name, auditActorOf(request))),
    }),
  });

  app.delete('/roles/:id', {
    schema: {
      tags: [TAG],
      summary: 'Delete a role',
      description:
        'Refused with 409 while accounts hold the role (userCount in the answer), and always for the built-in administrator role.',
      params: IdParams,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: DeletedResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'staff:roles' },
    handler: async (request) => {
      await service.delete(request.params.id, auditActorOf(request));
      return { deleted: true, id: String(request.params.id) };
    },
  });

  app.get('/roles/:id/permissions', {
    schema: {
      tags: [TAG],
      summary: "A role's permissions as the fixed two-level tree (module -> action) with a checked flag per node",
      params: IdParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: PermissionTreeResponse }, [400, 401, 403, 404]),
    },
    config: { access: 'staff:roles' },
    handler: async (request) => ({
      roleId: String(request.params.id),
      permissions: await service.permissionTree(request.params.id),
    }),
  });

  app.put('/roles/:id/permissions', {
    schema: {
      tags: [TAG],
      summary: "Replace a role's permissions; answers the new tree",
      description:
        '`keys` is the complete new set (JSON array, repeated form field, or comma-separated). An action key brings its module ' +
        'key along. Unknown keys answer 400 (unknownKeys). The built-in administrator role must keep `staff` and `staff:roles` (409). ' +
        'Takes effect on the next request of every user of the role (menu included). A form cannot send an empty set: use JSON `[]`.',
      params: IdParams,
      body: UpdatePermissionsBody,
      response: withErrors('staff', { 200: PermissionTreeResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'staff:roles' },
    handler: async (request) => ({
      roleId: String(request.params.id),
      permissions: await service.replacePermissions(
        request.params.id,
        [request.body.keys].flat(),
        auditActorOf(request),
      ),
    }),
  });
}
