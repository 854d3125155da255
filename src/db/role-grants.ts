import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Grants a new permission key to the default roles that should hold it (0001's roles: the
 * administrator by its builtin key, the others by their names, as long as nobody renamed them).
 * A role that holds the key already keeps it once; a clinic that renamed or deleted a default
 * role grants the key itself.
 */
export async function grantToDefaultRoles(
  db: Kysely<Database>,
  key: string,
  roleNames: readonly string[],
): Promise<void> {
  const roles = await db
    .selectFrom('roles')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('builtin_key', '=', 'administrator'),
        ...(roleNames.length > 0 ? [eb('name', 'in', [...roleNames])] : []),
      ]),
    )
    .execute();
  for (const role of roles) {
    const held = await db
      .selectFrom('role_permissions')
      .select('role_id')
      .where('role_id', '=', role.id)
      .where('permission_key', '=', key)
      .executeTakeFirst();
    if (!held) await db.insertInto('role_permissions').values({ role_id: role.id, permission_key: key }).execute();
  }
  // A cached permission set knows it is stale by the role's version (roles.version).
  if (roles.length > 0)
    await db
      .updateTable('roles')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .where(
        'id',
        'in',
        roles.map((role) => role.id),
      )
      .execute();
}

export async function revokeFromAllRoles(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('role_permissions').where('permission_key', '=', key).execute();
}

/**
 * Grants keys to a built-in role found by its builtin_key (0025's 医生 is 'doctor'), if the
 * install has it; a key it holds already stays once. Bumps the role's version (stale caches).
 */
export async function grantToBuiltinRole(db: Kysely<Database>, builtinKey: string, keys: readonly string[]) {
  const role = await db.selectFrom('roles').select('id').where('builtin_key', '=', builtinKey).executeTakeFirst();
  if (!role) return;
  await db
    .insertInto('role_permissions')
    .values(keys.map((permission_key) => ({ role_id: role.id, permission_key })))
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  await db
    .updateTable('roles')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', role.id)
    .execute();
}
