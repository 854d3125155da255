import type { Kysely, Transaction } from 'kysely';
import { precompiled } from '../../db/precompiled.js';
import type { Database } from '../../db/schema.js';

export interface StaffSessionPrincipalRow {
  id: number;
  username: string;
  display_name: string;
  is_active: number;
  role_id: number;
  role_version: number;
  doctor_id: number | null;
}

/** Staff accounts as the sign-in path needs them. */
export class StaffAuthRepository {
  /** Behind every authenticated staff request: compiled once (see precompiled). */
  private readonly principalBySession;

  constructor(private readonly db: Kysely<Database>) {
    this.principalBySession = precompiled(db, (query, sessionId: string) =>
      query
        .selectFrom('auth_sessions as s')
        .innerJoin('staff_users as u', 'u.id', 's.subject_id')
        .innerJoin('roles as r', 'r.id', 'u.role_id')
        .select([
          'u.id',
          'u.username',
          'u.display_name',
          'u.is_active',
          'u.role_id',
          'r.version as role_version',
          'u.doctor_id',
        ])
        .where('s.id', '=', sessionId)
        .where('s.family', '=', 'staff')
        .where('s.revoked_at', 'is', null),
    );
  }

  findByUsername(username: string) {
    return this.db
      .selectFrom('staff_users')
      .select(['id', 'username', 'password_hash', 'is_active'])
      .where('username', '=', username)
      .executeTakeFirst();
  }

  /** One indexed query: the live session, its user and the role's permission version. */
  findPrincipalBySession(sessionId: string): Promise<StaffSessionPrincipalRow | undefined> {
    return this.principalBySession(sessionId);
  }

  async isActive(userId: number, db: Kysely<Database> | Transaction<Database> = this.db): Promise<boolean> {
    const row = await db.selectFrom('staff_users').select('is_active').where('id', '=', userId).executeTakeFirst();
    return row?.is_active === 1;
  }

  async permissionsOfRole(roleId: number): Promise<{ version: number; keys: string[] }> {
    const role = await this.db.selectFrom('roles').select('version').where('id', '=', roleId).executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom('role_permissions')
      .select('permission_key')
      .where('role_id', '=', roleId)
      .execute();
    return { version: role.version, keys: rows.map((row) => row.permission_key) };
  }
}
