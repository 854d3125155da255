import { isForeignKeyViolation, isUniqueViolation } from '../../db/database.js';
import type { AuditActor } from '../../domain/audit.js';
import { ADMINISTRATOR_ROLE_KEY } from '../../domain/permissions.js';
import { AppError } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import { normalizePermissionKeys, permissionTreeFor } from './permission-tree.js';
import type { RoleRepository, RoleView } from './repository.js';

/** Keys the administrator role always keeps, so someone can always manage roles. */
const ADMINISTRATOR_REQUIRED_KEYS = ['staff', 'staff:roles'] as const;

const nameTaken = () => new AppError('conflict', '角色名称已存在');
const notFound = () => new AppError('not_found', '角色不存在');

export class RoleService {
  constructor(
    private readonly core: CoreServices,
    private readonly roles: RoleRepository,
  ) {}

  list(): Promise<RoleView[]> {
    return this.roles.list();
  }

  async create(name: string, actor: AuditActor, now: number): Promise<RoleView> {
    return this.writeUniqueName(async () =>
      this.core.db.transaction().execute(async (trx) => {
        const id = await this.roles.insert(name.trim(), now, trx);
        await this.core.audit.record(
          actor,
          { action: 'role.create', targetType: 'role', targetId: id, details: { name: name.trim() } },
          trx,
        );
        const created = await this.roles.findById(id, trx);
        if (!created) throw new Error('inserted role not found');
        return created;
      }),
    );
  }

  async rename(id: number, name: string, actor: AuditActor): Promise<RoleView> {
    const newName = name.trim();
    return this.writeUniqueName(async () =>
      this.core.db.transaction().execute(async (trx) => {
        const before = await this.roles.findById(id, trx);
        if (!before) throw notFound();
        if (before.name === newName) return before;
        await this.roles.rename(id, newName, trx);
        await this.core.audit.record(
          actor,
          {
            action: 'role.update',
            targetType: 'role',
            targetId: id,
            details: { name: { before: before.name, after: newName } },
          },
          trx,
        );
        return { ...before, name: newName };
      }),
    );
  }

  async delete(id: number, actor: AuditActor): Promise<void> {
    try {
      await this.core.db.transaction().execute(async (trx) => {
        const role = await this.roles.findById(id, trx);
        if (!role) throw notFound();
        if (role.builtin_key === ADMINISTRATOR_ROLE_KEY) throw new AppError('conflict', '内置管理员角色不能删除');
        if (role.user_count > 0)
          throw new AppError('conflict', `该角色下还有 ${role.user_count} 个员工，请先调整他们的角色`, {
            extra: { userCount: role.user_count },
          });
        const keys = await this.roles.permissionKeys(id, trx);
        await this.roles.delete(id, trx);
        await this.core.audit.record(
          actor,
          { action: 'role.delete', targetType: 'role', targetId: id, details: { name: role.name, permissions: keys } },
          trx,
        );
      });
    } catch (error) {
      // A user was given the role while it was being deleted: the transaction rolled back.
      if (isForeignKeyViolation(error)) throw new AppError('conflict', '该角色下还有员工，请先调整他们的角色');
      throw error;
    }
  }

  async permissionTree(id: number) {
    if (!(await this.roles.findById(id))) throw notFound();
    return permissionTreeFor(new Set(await this.roles.permissionKeys(id)));
  }

  async replacePermissions(id: number, rawKeys: readonly string[], actor: AuditActor) {
    const { keys, unknown } = normalizePermissionKeys(rawKeys);
    if (unknown.length > 0) {
      throw new AppError('invalid_value', `参数不合法: keys（未知的权限: ${unknown.slice(0, 5).join(', ')}）`, {
        extra: { field: 'keys', unknownKeys: unknown.slice(0, 20) },
      });
    }
    const granted = await this.core.db.transaction().execute(async (trx) => {
      const role = await this.roles.findById(id, trx);
      if (!role) throw notFound();
      if (
        role.builtin_key === ADMINISTRATOR_ROLE_KEY &&
        !ADMINISTRATOR_REQUIRED_KEYS.every((key) => keys.includes(key))
      ) {
        throw new AppError('conflict', '内置管理员角色必须保留“人员管理”和“管理角色与权限”权限');
      }
      const before = new Set(await this.roles.permissionKeys(id, trx));
      const added = keys.filter((key) => !before.has(key));
      const removed = [...before].filter((key) => !keys.includes(key as never)).sort();
      if (added.length === 0 && removed.length === 0) return before;
      await this.roles.replacePermissions(id, keys, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'role.permissions_update',
          targetType: 'role',
          targetId: id,
          details: { role: role.name, added, removed },
        },
        trx,
      );
      return new Set<string>(keys);
    });
    return permissionTreeFor(granted);
  }

  private async writeUniqueName<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
  }
}
