import { type ExpressionBuilder, type Kysely, type SqlBool, sql, type Transaction, type Updateable } from 'kysely';
import type { DialectName } from '../../db/database.js';
import type { Database, Executor, StaffUsersTable } from '../../db/schema.js';
import { ADMINISTRATOR_ROLE_KEY } from '../../domain/permissions.js';
import { likeContains } from '../../domain/sql.js';

export interface StaffUserListFilters {
  roleId?: number;
  active?: boolean;
  keyword?: string;
}

export interface StaffUserView {
  id: number;
  username: string;
  display_name: string;
  role_id: number;
  role_name: string;
  role_builtin_key: string | null;
  is_active: number;
  created_at: number;
  updated_at: number;
  /** The catalog doctor this account is (医生工作台), and that doctor's name. */
  doctor_id: number | null;
  doctor_name: string | null;
}

const viewColumns = [
  'u.id',
  'u.username',
  'u.display_name',
  'u.role_id',
  'r.name as role_name',
  'r.builtin_key as role_builtin_key',
  'u.is_active',
  'u.created_at',
  'u.updated_at',
  'u.doctor_id',
  'linked.name as doctor_name',
] as const;

/** Staff accounts for administration. Never selects password hashes except where a password is verified. */
export interface NewStaffUser {
  username: string;
  displayName: string;
  passwordHash: string;
  roleId: number;
  now: number;
  /** The catalog doctor the account is (unique): unset for every account but a doctor's. */
  doctorId?: number | null;
}

/** How many staff accounts exist: none means a first start (see bootstrap.ts). */
export async function countStaffUsers(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('staff_users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The built-in administrator role, which first administrators get. */
export async function administratorRoleId(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('roles')
    .select('id')
    .where('builtin_key', '=', 'administrator')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The one insert of a staff account: the API, the first-start bootstrap, the CLI and demo data use it. */
export async function insertStaffUser(db: Executor, user: NewStaffUser): Promise<number> {
  const row = await db
    .insertInto('staff_users')
    .values({
      username: user.username,
      display_name: user.displayName,
      password_hash: user.passwordHash,
      role_id: user.roleId,
      doctor_id: user.doctorId ?? null,
      is_active: 1,
      created_at: user.now,
      updated_at: user.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export class StaffUserRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  async list(
    filters: StaffUserListFilters,
    paging: { page: number; pageSize: number },
  ): Promise<{ rows: StaffUserView[]; total: number }> {
    const where = (eb: ExpressionBuilder<Database & { u: StaffUsersTable }, 'u'>) => {
      const conditions = [];
      if (filters.roleId !== undefined) conditions.push(eb('u.role_id', '=', filters.roleId));
      if (filters.active !== undefined) conditions.push(eb('u.is_active', '=', filters.active ? 1 : 0));
      const keyword = filters.keyword?.trim();
      if (keyword) {
        const pattern = likeContains(keyword.toLowerCase());
        conditions.push(
          eb.or([
            sql<SqlBool>`lower(u.username) like ${pattern} escape '\\'`,
            sql<SqlBool>`lower(u.display_name) like ${pattern} escape '\\'`,
          ]),
        );
      }
      return eb.and(conditions);
    };
    const rows = await this.db
      .selectFrom('staff_users as u')
      .innerJoin('roles as r', 'r.id', 'u.role_id')
      .leftJoin('doctors as linked', 'linked.id', 'u.doctor_id')
      .select(viewColumns)
      .where(where)
      .orderBy('u.id', 'asc')
      .limit(paging.pageSize)
      .offset((paging.page - 1) * paging.pageSize)
      .execute();
    const counted = await this.db
      .selectFrom('staff_users as u')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where(where)
      .executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }

  findById(id: number, db: Executor = this.db): Promise<StaffUserView | undefined> {
    return db
      .selectFrom('staff_users as u')
      .innerJoin('roles as r', 'r.id', 'u.role_id')
      .leftJoin('doctors as linked', 'linked.id', 'u.doctor_id')
      .select(viewColumns)
      .where('u.id', '=', id)
      .executeTakeFirst();
  }

  async passwordHashOf(id: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('staff_users').select('password_hash').where('id', '=', id).executeTakeFirst();
    return row?.password_hash;
  }

  async usernameTaken(username: string, db: Executor = this.db): Promise<boolean> {
    const row = await db
      .selectFrom('staff_users')
      .select('id')
      .where(sql<string>`lower(username)`, '=', username.toLowerCase())
      .executeTakeFirst();
    return row !== undefined;
  }

  doctorById(doctorId: number, db: Executor = this.db) {
    return db.selectFrom('doctors').select(['id', 'name']).where('id', '=', doctorId).executeTakeFirst();
  }

  /** The account linked to this doctor, if any (one account per doctor). */
  async accountOfDoctor(doctorId: number, db: Executor = this.db): Promise<number | undefined> {
    const row = await db.selectFrom('staff_users').select('id').where('doctor_id', '=', doctorId).executeTakeFirst();
    return row?.id;
  }

  roleById(roleId: number, db: Executor = this.db) {
    return db.selectFrom('roles').select(['id', 'name', 'builtin_key']).where('id', '=', roleId).executeTakeFirst();
  }

  insert(user: NewStaffUser, db: Executor): Promise<number> {
    return insertStaffUser(db, user);
  }

  async update(id: number, changes: Updateable<StaffUsersTable>, db: Executor): Promise<void> {
    await db.updateTable('staff_users').set(changes).where('id', '=', id).execute();
  }

  async delete(id: number, db: Executor): Promise<void> {
    await db.deleteFrom('staff_users').where('id', '=', id).execute();
  }

  /**
   * Serializes changes that could remove the last active administrator (PostgreSQL runs
   * transactions side by side; SQLite already runs one writer at a time).
   */
  async lockAdministratorRole(db: Transaction<Database>): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await db.selectFrom('roles').select('id').where('builtin_key', '=', ADMINISTRATOR_ROLE_KEY).forUpdate().execute();
  }

  async countActiveAdministratorsExcept(userId: number, db: Executor): Promise<number> {
    const row = await db
      .selectFrom('staff_users as u')
      .innerJoin('roles as r', 'r.id', 'u.role_id')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('r.builtin_key', '=', ADMINISTRATOR_ROLE_KEY)
      .where('u.is_active', '=', 1)
      .where('u.id', '!=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async rolePermissionKeys(roleId: number, db: Executor): Promise<string[]> {
    const rows = await db
      .selectFrom('role_permissions')
      .select('permission_key')
      .where('role_id', '=', roleId)
      .execute();
    return rows.map((row) => row.permission_key);
  }

  /** Whether patient records name this user as their author (they keep pointing to the account). */
  /** Live patients the account holds as their consultant (author): what a handover would move. */
  async heldPatients(userId: number, db: Executor = this.db): Promise<number> {
    const row = await db
      .selectFrom('patients')
      .select((eb) => eb.fn.countAll<number>().as('held'))
      .where('author_id', '=', userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.held);
  }

  async hasAuthoredPatients(userId: number, db: Executor): Promise<boolean> {
    const row = await db
      .selectFrom('patients')
      .select('id')
      .where('author_id', '=', userId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
