import type { Kysely, Transaction } from 'kysely';
import type { Database, Executor } from '../../db/schema.js';

export interface RoleView {
  id: number;
  name: string;
  builtin_key: string | null;
  created_at: number;
  user_count: number;
}

/** Roles and their permission sets. */
export class RoleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Roles with the number of accounts holding each, in one grouped query. */
  async list(db: Executor = this.db, onlyRoleId?: number): Promise<RoleView[]> {
    let query = db
      .selectFrom('roles as r')
      .leftJoin('staff_users as u', 'u.role_id', 'r.id')
      .select(['r.id', 'r.name', 'r.builtin_key', 'r.created_at'])
      .select((eb) => eb.fn.count<number>('u.id').as('user_count'))
      .groupBy(['r.id', 'r.name', 'r.builtin_key', 'r.created_at'])
      .orderBy('r.id', 'asc');
    if (onlyRoleId !== undefined) query = query.where('r.id', '=', onlyRoleId);
    const rows = await query.execute();
    return rows.map((row) => ({ ...row, user_count: Number(row.user_count) }));
  }

  async findById(id: number, db: Executor = this.db): Promise<RoleView | undefined> {
    return (await this.list(db, id))[0];
  }

  async insert(name: string, now: number, db: Executor): Promise<number> {
    const row = await db
      .insertInto('roles')
      .values({ name, builtin_key: null, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async rename(id: number, name: string, db: Executor): Promise<void> {
    await db.updateTable('roles').set({ name }).where('id', '=', id).execute();
  }

  async delete(id: number, db: Executor): Promise<void> {
    await db.deleteFrom('role_permissions').where('role_id', '=', id).execute();
    await db.deleteFrom('roles').where('id', '=', id).execute();
  }

  async permissionKeys(roleId: number, db: Executor = this.db): Promise<string[]> {
    const rows = await db
      .selectFrom('role_permissions')
      .select('permission_key')
      .where('role_id', '=', roleId)
      .execute();
    return rows.map((row) => row.permission_key);
  }

  /**
   * Replaces the set and bumps the role's version in the caller's transaction: the guard
   * caches permissions per (role, version), so every instance sees the change on its next request.
   */
  async replacePermissions(roleId: number, keys: readonly string[], db: Transaction<Database>): Promise<void> {
    await db.deleteFrom('role_permissions').where('role_id', '=', roleId).execute();
    if (keys.length > 0) {
      await db
        .insertInto('role_permissions')
        .values(keys.map((permission_key) => ({ role_id: roleId, permission_key })))
        .execute();
    }
    await db
      .updateTable('roles')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .where('id', '=', roleId)
      .execute();
  }
}
