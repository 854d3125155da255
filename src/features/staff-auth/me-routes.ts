import { optionalScopeOf } from '../../domain/patient-scope.js';
import { allPermissionKeys } from '../../domain/permissions.js';
import { staffOf } from '../../http/request-context.js';
import { StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { RoleRepository } from '../roles/index.js';
import { MeResponse } from './schemas.js';

/**
 * Who the caller is and what the role permits, so a client can hide the controls it may not
 * use; the API enforces every permission regardless.
 */
export function registerMeRoutes(app: TypedApp, roles: RoleRepository): void {
  app.get('/me', {
    schema: {
      tags: ['staff: token'],
      summary: 'The signed-in user: account, role, patient data scope and effective permission keys',
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: MeResponse }, [401, 403]),
    },
    config: { access: 'authenticated' },
    handler: async (request) => {
      const staff = staffOf(request);
      const role = await roles.findById(staff.roleId);
      return {
        user: {
          id: String(staff.id),
          username: staff.username,
          displayName: staff.displayName,
          roleId: String(staff.roleId),
          roleName: role?.name ?? '',
          dataScope: optionalScopeOf(staff)?.kind ?? 'none',
          doctorId: staff.doctorId === null ? null : String(staff.doctorId),
          // catalogue order, so the answer is stable whatever order the role stored them in
          permissions: allPermissionKeys.filter((key) => staff.permissions.has(key)),
        },
      } as const;
    },
  });
}
