import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Static } from 'typebox';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/database.js';
import type { Database, StaffUsersTable } from '../../db/schema.js';
import type { AuditActor } from '../../domain/audit.js';
import { ADMINISTRATOR_ROLE_KEY, effectivePermissions } from '../../domain/permissions.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { AppError, invalidField } from '../../http/errors.js';
import { loginThrottleKeys } from '../../security/login-throttle.js';
import { hashPassword, verifyPassword } from '../../security/passwords.js';
import type { CoreServices } from '../../services.js';
import type { StaffUserListFilters, StaffUserRepository, StaffUserView } from './repository.js';
import type { CreateStaffBody, UpdateStaffBody } from './schemas.js';

const usernameTaken = () => new AppError('conflict', '用户名已存在');
const notFound = () => new AppError('not_found', '员工不存在');
const doctorTaken = () => new AppError('conflict', '该医生已关联其他员工账号');
/** The unique index on staff_users.doctor_id (0025): a race past the check lands here. */
const isDoctorLinkViolation = (error: unknown) => isUniqueViolation(error) && /doctor/i.test(String(error));

/** Staff accounts: create, edit, disable, reset password, delete, and the caller's own password. */
export class StaffUserService {
  constructor(
    private readonly core: CoreServices,
    private readonly users: StaffUserRepository,
  ) {}

  list(filters: StaffUserListFilters, paging: { page: number; pageSize: number }) {
    return this.users.list(filters, paging);
  }

  async get(id: number): Promise<StaffUserView> {
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    return user;
  }

  async create(
    caller: StaffPrincipal,
    input: Static<typeof CreateStaffBody>,
    actor: AuditActor,
    now: number,
  ): Promise<StaffUserView> {
    if (await this.users.usernameTaken(input.username)) throw usernameTaken();
    // Hash before the transaction: the slow part must not hold the database.
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.core.db.transaction().execute(async (trx) => {
        if (!(await this.users.roleById(input.role_id, trx))) throw roleMissing();
        await this.assertMayHandOut(caller, input.role_id, trx);
        if (await this.users.usernameTaken(input.username, trx)) throw usernameTaken();
        const doctorId = input.doctor_id ?? null;
        if (doctorId !== null) await this.assertDoctorFree(doctorId, null, trx);
        const id = await this.users.insert(
          {
            username: input.username,
            displayName: input.display_name.trim(),
            passwordHash,
            roleId: input.role_id,
            now,
            doctorId,
          },
          trx,
        );
        const created = await this.users.findById(id, trx);
        if (!created) throw new Error('inserted staff user not found');
        await this.core.audit.record(
          actor,
          {
            action: 'staff_user.create',
            targetType: 'staff_user',
            targetId: id,
            details: {
              username: created.username,
              displayName: created.display_name,
              role: created.role_name,
              ...(created.doctor_id === null ? {} : { doctorId: created.doctor_id, doctorName: created.doctor_name }),
            },
          },
          trx,
        );
        return created;
      });
    } catch (error) {
      if (isDoctorLinkViolation(error)) throw doctorTaken();
      if (isUniqueViolation(error)) throw usernameTaken();
      throw error;
    }
  }

  /** Linking and unlinking a doctor are their own audit events: they change whose patients the account sees. */
  private async auditDoctorLink(
    actor: AuditActor,
    before: StaffUserView,
    doctorId: number | null,
    trx: Transaction<Database>,
  ): Promise<void> {
    const doctor = doctorId === null ? undefined : await this.users.doctorById(doctorId, trx);
    await this.core.audit.record(
      actor,
      {
        action: doctorId === null ? 'staff_user.doctor_unlink' : 'staff_user.doctor_link',
        targetType: 'staff_user',
        targetId: before.id,
        details: {
          username: before.username,
          before: before.doctor_id === null ? null : { doctorId: before.doctor_id, doctorName: before.doctor_name },
          after: doctor ? { doctorId: doctor.id, doctorName: doctor.name } : null,
        },
      },
      trx,
    );
  }

  /** 400 for a doctor not in the catalog, 409 for one another account is already linked to. */
  private async assertDoctorFree(doctorId: number, accountId: number | null, trx: Transaction<Database>) {
    if (!(await this.users.doctorById(doctorId, trx))) throw invalidField('doctor_id', '医生不存在');
    const holder = await this.users.accountOfDoctor(doctorId, trx);
    if (holder !== undefined && holder !== accountId) throw doctorTaken();
  }

  /** Live patients the account holds (author): disabling answers it, so the UI can offer the handover. */
  heldPatients(id: number): Promise<number> {
    return this.users.heldPatients(id);
  }

  /** Display name, role, enabled flag. Disabling revokes every token of the account at once. */
  async update(
    caller: StaffPrincipal,
    id: number,
    input: Static<typeof UpdateStaffBody>,
    actor: AuditActor,
    now: number,
  ): Promise<StaffUserView> {
    if (
      input.display_name === undefined &&
      input.role_id === undefined &&
      input.is_active === undefined &&
      input.doctor_id === undefined
    ) {
      throw new AppError('parameter_missing', '缺少参数: display_name、role_id、is_active 或 doctor_id 至少一项');
    }
    if (id === caller.id && input.is_active === false) throw new AppError('conflict', '不能停用自己的账号');
    return this.core.db.transaction().execute(async (trx) => {
      await this.users.lockAdministratorRole(trx);
      const before = await this.users.findById(id, trx);
      if (!before) throw notFound();
      const role = input.role_id === undefined ? undefined : await this.users.roleById(input.role_id, trx);
      if (input.role_id !== undefined && !role) throw roleMissing();
      await this.assertMayHandOut(caller, before.role_id, trx);
      if (role) await this.assertMayHandOut(caller, role.id, trx);
      const staysAdministrator =
        (role ? role.builtin_key : before.role_builtin_key) === ADMINISTRATOR_ROLE_KEY &&
        (input.is_active ?? before.is_active === 1);
      await this.assertNotLastAdministrator(before, staysAdministrator, trx);

      const changes: Updateable<StaffUsersTable> = {};
      const changed: Record<string, { before: unknown; after: unknown }> = {};
      const displayName = input.display_name?.trim();
      if (displayName !== undefined && displayName !== before.display_name) {
        changes.display_name = displayName;
        changed.displayName = { before: before.display_name, after: displayName };
      }
      if (role && role.id !== before.role_id) {
        changes.role_id = role.id;
        changed.role = { before: before.role_name, after: role.name };
      }
      const isActive = input.is_active === undefined ? undefined : input.is_active ? 1 : 0;
      if (isActive !== undefined && isActive !== before.is_active) {
        changes.is_active = isActive;
        changed.isActive = { before: before.is_active === 1, after: isActive === 1 };
      }
      const doctorId = input.doctor_id;
      if (doctorId !== undefined && doctorId !== before.doctor_id) {
        if (doctorId !== null) await this.assertDoctorFree(doctorId, id, trx);
        changes.doctor_id = doctorId;
      }
      if (Object.keys(changes).length === 0) return before;
      try {
        await this.users.update(id, { ...changes, updated_at: now }, trx);
      } catch (error) {
        if (isDoctorLinkViolation(error)) throw doctorTaken();
        throw error;
      }
      if (changes.doctor_id !== undefined) await this.auditDoctorLink(actor, before, changes.doctor_id, trx);
      if (changes.is_active === 0) await this.core.sessions.revokeAllOf('staff', id, now, trx);
      if (Object.keys(changed).length > 0)
        await this.core.audit.record(
          actor,
          {
            action: 'staff_user.update',
            targetType: 'staff_user',
            targetId: id,
            details: { username: before.username, changed },
          },
          trx,
        );
      const after = await this.users.findById(id, trx);
      if (!after) throw notFound();
      return after;
    });
  }

  /** An administrator sets a new password; every token of the account stops working. */
  async resetPassword(
    caller: StaffPrincipal,
    id: number,
    password: string,
    actor: AuditActor,
    now: number,
  ): Promise<void> {
    const target = await this.users.findById(id);
    if (!target) throw notFound();
    await this.assertMayHandOut(caller, target.role_id, this.core.db);
    const passwordHash = await hashPassword(password);
    await this.core.db.transaction().execute(async (trx) => {
      const user = await this.users.findById(id, trx);
      if (!user) throw notFound();
      await this.assertMayHandOut(caller, user.role_id, trx);
      await this.users.update(id, { password_hash: passwordHash, updated_at: now }, trx);
      await this.core.sessions.revokeAllOf('staff', id, now, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'staff_user.password_reset',
          targetType: 'staff_user',
          targetId: id,
          details: { username: user.username },
        },
        trx,
      );
    });
  }

  /**
   * The caller's own password: the old one must match (failures count toward the sign-in
   * lock, so a stolen token cannot be used to guess it); other sessions end, this one stays.
   */
  async changeOwnPassword(
    caller: StaffPrincipal,
    oldPassword: string,
    newPassword: string,
    actor: AuditActor,
    now: number,
  ): Promise<void> {
    const currentHash = await this.users.passwordHashOf(caller.id);
    if (!currentHash) throw new AppError('token_invalid');
    const keys = loginThrottleKeys('staff', caller.username, actor.ip ?? 'unknown');
    const check = await this.core.throttle.checkPasswordConfirmation(keys.account, now, () =>
      verifyPassword(currentHash, oldPassword),
    );
    if (!check.matches) {
      await this.core.audit.record(actor, {
        action: 'staff_user.password_change',
        targetType: 'staff_user',
        targetId: caller.id,
        outcome: 'failure',
        details: { reason: 'wrong_old_password' },
      });
      for (const scope of check.locked) {
        await this.core.audit.record(actor, {
          action: 'staff.lockout',
          outcome: 'failure',
          details: { scope, via: 'password_change' },
        });
      }
      throw invalidField('old_password', '原密码错误');
    }
    const passwordHash = await hashPassword(newPassword);
    await this.core.db.transaction().execute(async (trx) => {
      await this.users.update(caller.id, { password_hash: passwordHash, updated_at: now }, trx);
      await this.core.sessions.revokeAllOf('staff', caller.id, now, trx, caller.sessionId);
      await this.core.audit.record(
        actor,
        { action: 'staff_user.password_change', targetType: 'staff_user', targetId: caller.id },
        trx,
      );
    });
  }

  /**
   * Deleting is for accounts created by mistake: one that registered patients stays as their
   * author and can only be disabled. Neither oneself nor the last active administrator.
   */
  async delete(caller: StaffPrincipal, id: number, actor: AuditActor, now: number): Promise<void> {
    if (id === caller.id) throw new AppError('conflict', '不能删除自己的账号');
    try {
      await this.core.db.transaction().execute(async (trx) => {
        await this.users.lockAdministratorRole(trx);
        const user = await this.users.findById(id, trx);
        if (!user) throw notFound();
        await this.assertMayHandOut(caller, user.role_id, trx);
        await this.assertNotLastAdministrator(user, false, trx);
        if (await this.users.hasAuthoredPatients(id, trx)) {
          throw new AppError('conflict', '该员工登记过客户，不能删除，请改为停用账号');
        }
        await this.core.sessions.revokeAllOf('staff', id, now, trx);
        await this.users.delete(id, trx);
        await this.core.audit.record(
          actor,
          {
            action: 'staff_user.delete',
            targetType: 'staff_user',
            targetId: id,
            details: { username: user.username, displayName: user.display_name },
          },
          trx,
        );
      });
    } catch (error) {
      // Other records (follow-ups, visits, ...) still point to the account: the whole transaction rolled back.
      if (isForeignKeyViolation(error))
        throw new AppError('conflict', '该员工仍被业务记录引用（回访、到诊等），不能删除，请改为停用账号');
      throw error;
    }
  }

  /**
   * No escalation through account management: a caller may hand out, or manage accounts of,
   * only roles whose permissions they hold themselves (else staff:manage alone could create an
   * administrator, or reset an administrator's password and sign in as them).
   */
  private async assertMayHandOut(
    caller: StaffPrincipal,
    roleId: number,
    db: Kysely<Database> | Transaction<Database>,
  ): Promise<void> {
    const granted = effectivePermissions(await this.users.rolePermissionKeys(roleId, db));
    for (const key of granted) {
      if (!caller.permissions.has(key)) throw new AppError('permission_denied', '不能管理权限超出自己的角色或其员工');
    }
  }

  private async assertNotLastAdministrator(
    user: StaffUserView,
    staysAdministrator: boolean,
    trx: Transaction<Database>,
  ): Promise<void> {
    const isActiveAdministrator = user.role_builtin_key === ADMINISTRATOR_ROLE_KEY && user.is_active === 1;
    if (!isActiveAdministrator || staysAdministrator) return;
    if ((await this.users.countActiveAdministratorsExcept(user.id, trx)) === 0) {
      throw new AppError('conflict', '不能移除最后一个启用的管理员');
    }
  }
}

const roleMissing = () => invalidField('role_id', '角色不存在');
