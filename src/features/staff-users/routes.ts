import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { DeletedResponse, IdParams, StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { StaffUserView } from './repository.js';
import {
  ChangeOwnPasswordBody,
  CreateStaffBody,
  PasswordChangedResponse,
  ResetPasswordBody,
  StaffListQuery,
  StaffListResponse,
  StaffUserResponse,
  UpdatedStaffUserResponse,
  UpdateStaffBody,
} from './schemas.js';
import type { StaffUserService } from './service.js';

const TAG = 'staff: accounts';

/** An account on the wire: ids and times as strings (as the seed sends them); never a password hash. */
export function toWireStaffUser(user: StaffUserView) {
  return {
    id: String(user.id),
    username: user.username,
    displayName: user.display_name,
    roleId: String(user.role_id),
    roleName: user.role_name,
    isActive: user.is_active === 1,
    doctorId: user.doctor_id === null ? null : String(user.doctor_id),
    doctorName: user.doctor_name,
    createdAt: String(user.created_at),
    updatedAt: String(user.updated_at),
  };
}

export function registerStaffUserRoutes(app: TypedApp, service: StaffUserService): void {
  // Registered before `staff/:id` routes for readability; the router prefers the static path anyway.
  app.put('/staff/me/password', {
    schema: {
      tags: [TAG],
      summary: "Change the caller's own password; the caller's other sessions end, this one stays",
      description:
        'A wrong old_password answers 400 (40001, field old_password) and counts toward the sign-in lock of the account (429 after repeated failures).',
      body: ChangeOwnPasswordBody,
      response: withErrors('staff', { 200: PasswordChangedResponse }, [400, 401, 403, 429]),
    },
    config: { access: 'authenticated' },
    handler: async (request) => {
      const { old_password, new_password } = request.body;
      await service.changeOwnPassword(
        staffOf(request),
        old_password,
        new_password,
        auditActorOf(request),
        nowSeconds(),
      );
      return { changed: true };
    },
  });

  app.get('/staff', {
    schema: {
      tags: [TAG],
      summary: 'Staff accounts, paged, filtered by role, enabled flag and keyword',
      querystring: StaffListQuery,
      response: withErrors('staff', { 200: StaffListResponse }, [400, 401, 403]),
    },
    config: { access: 'staff:view' },
    handler: async (request) => {
      const q = request.query;
      const { rows, total } = await service.list(
        { roleId: q.role_id, active: q.active, keyword: q.keyword },
        { page: q.page, pageSize: q.page_size },
      );
      return { users: rows.map(toWireStaffUser), total, page: q.page, pageSize: q.page_size };
    },
  });

  app.get('/staff/:id', {
    schema: {
      tags: [TAG],
      summary: 'One staff account',
      params: IdParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: StaffUserResponse }, [400, 401, 403, 404]),
    },
    config: { access: 'staff:view' },
    handler: async (request) => ({ user: toWireStaffUser(await service.get(request.params.id)) }),
  });

  app.post('/staff', {
    schema: {
      tags: [TAG],
      summary: 'Create a staff account -> 201 {user}',
      description:
        'A username already taken (ignoring case) answers 409; an unknown role_id 400; a role granting a permission the caller lacks 403 (48001). ' +
        'doctor_id links the account to a catalog doctor (docs/doctors.md): an unknown doctor 400, one linked to another account already 409.',
      body: CreateStaffBody,
      response: withErrors('staff', { 201: StaffUserResponse }, [400, 401, 403, 409]),
    },
    config: { access: 'staff:manage' },
    handler: async (request, reply) => {
      const user = await service.create(staffOf(request), request.body, auditActorOf(request), nowSeconds());
      return reply.code(201).send({ user: toWireStaffUser(user) });
    },
  });

  app.patch('/staff/:id', {
    schema: {
      tags: [TAG],
      summary: 'Edit display name, role, or enable / disable an account',
      description:
        'is_active=false revokes all tokens of the account at once (its next request answers 40014) and sign-in answers 40301. ' +
        'Refused with 409: disabling oneself; disabling or moving out of the administrator role the last enabled administrator. ' +
        "Refused with 403 (48001): the account's current or new role grants a permission the caller lacks (no escalation). " +
        'A role change takes effect on the next request of that user. heldPatients: the live patients the account ' +
        'still holds as their consultant, so that disabling a departing consultant can offer the handover (POST ' +
        'patient/handover with author_id=<id>, patients:handover); their patients stay theirs until handed over. ' +
        'doctor_id links the account to a catalog doctor (null unlinks; audited as staff_user.doctor_link / doctor_unlink): ' +
        'an unknown doctor 400, a doctor linked to another account 409.',
      params: IdParams,
      body: UpdateStaffBody,
      response: withErrors('staff', { 200: UpdatedStaffUserResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'staff:manage' },
    handler: async (request) => {
      const user = await service.update(
        staffOf(request),
        request.params.id,
        request.body,
        auditActorOf(request),
        nowSeconds(),
      );
      return { user: toWireStaffUser(user), heldPatients: await service.heldPatients(user.id) };
    },
  });

  app.post('/staff/:id/reset-password', {
    schema: {
      tags: [TAG],
      summary: "Set a new password for an account; all of that account's tokens are revoked",
      description: "Refused with 403 (48001) when the account's role grants a permission the caller lacks.",
      params: IdParams,
      body: ResetPasswordBody,
      response: withErrors('staff', { 200: PasswordChangedResponse }, [400, 401, 403, 404]),
    },
    config: { access: 'staff:manage' },
    handler: async (request) => {
      await service.resetPassword(
        staffOf(request),
        request.params.id,
        request.body.password,
        auditActorOf(request),
        nowSeconds(),
      );
      return { changed: true };
    },
  });

  app.delete('/staff/:id', {
    schema: {
      tags: [TAG],
      summary: 'Delete an account created by mistake',
      description:
        'Refused with 409: deleting oneself, the last enabled administrator, or an account that registered patients or is ' +
        "referenced by other records (disable it instead: the records keep their author). 403 (48001) when the account's role " +
        'grants a permission the caller lacks.',
      params: IdParams,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: DeletedResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'staff:manage' },
    handler: async (request) => {
      await service.delete(staffOf(request), request.params.id, auditActorOf(request), nowSeconds());
      return { deleted: true, id: String(request.params.id) };
    },
  });
}
