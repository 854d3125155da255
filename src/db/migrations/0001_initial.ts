import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.js';
import { withIdColumn } from './columns.js';

/*
 * The foundation schema: staff, roles, sessions, throttling, catalogs, the patient pool,
 * portal accounts and the audit log, with the default roles and a small realistic catalog.
 * Migrations are frozen history: the permission lists below are copies, not imports.
 */

const ADMIN_PERMISSIONS = [
  'dashboard',
  'patients',
  'patients:view_own',
  'patients:view_all',
  'patients:create',
  'patients:edit',
  'patients:delete',
  'patients:change_state',
  'patients:confirm_arrival',
  'patients:change_doctor',
  'patients:change_channel',
  'patients:change_disease',
  'patients:edit_spend',
  'patients:view_full_phone',
  'patients:export',
  'patients:import',
  'patients:recycle_bin',
  'appointments',
  'appointments:view',
  'appointments:manage',
  'appointments:schedules',
  'statistics',
  'statistics:view',
  'catalogs',
  'catalogs:view',
  'catalogs:manage',
  'staff',
  'staff:view',
  'staff:manage',
  'staff:roles',
  'logs',
  'logs:view',
];

const DEFAULT_ROLES: { name: string; builtinKey: string | null; permissions: string[] }[] = [
  { name: '管理员', builtinKey: 'administrator', permissions: ADMIN_PERMISSIONS },
  {
    // Consultants register and work their own inquiries; they call them back, so they see full phones.
    name: '咨询客服',
    builtinKey: null,
    permissions: [
      'dashboard',
      'patients',
      'patients:view_own',
      'patients:create',
      'patients:edit',
      'patients:change_state',
      'patients:change_doctor',
      'patients:change_channel',
      'patients:change_disease',
      'patients:view_full_phone',
      'appointments',
      'appointments:view',
      'catalogs',
      'catalogs:view',
    ],
  },
  {
    // The front desk sees everyone who may walk in and confirms arrivals; phones stay masked.
    name: '前台',
    builtinKey: null,
    permissions: [
      'dashboard',
      'patients',
      'patients:view_all',
      'patients:confirm_arrival',
      'appointments',
      'appointments:view',
      'appointments:manage',
      'catalogs',
      'catalogs:view',
    ],
  },
  {
    name: '院长/主管',
    builtinKey: null,
    permissions: [
      'dashboard',
      'patients',
      'patients:view_all',
      'patients:view_full_phone',
      'patients:export',
      'appointments',
      'appointments:view',
      'statistics',
      'statistics:view',
      'catalogs',
      'catalogs:view',
      'staff',
      'staff:view',
      'logs',
      'logs:view',
    ],
  },
];

const DEPARTMENTS: { name: string; diseases: string[] }[] = [
  { name: '皮肤科', diseases: ['痤疮', '湿疹', '白癜风', '银屑病'] },
  { name: '妇科', diseases: ['月经不调', '妇科炎症', '子宫肌瘤'] },
  { name: '男科', diseases: ['前列腺炎', '男性不育'] },
  { name: '口腔科', diseases: ['种植牙', '牙齿矫正', '牙周炎'] },
  { name: '眼科', diseases: ['近视', '白内障'] },
];

const DOCTORS = [
  { name: '张明华', department: '皮肤科', title: '主任医师', specialty: '痤疮、色素性皮肤病' },
  { name: '李秀英', department: '妇科', title: '副主任医师', specialty: '妇科内分泌' },
  { name: '王建国', department: '男科', title: '主治医师', specialty: '慢性前列腺炎' },
  { name: '陈静', department: '口腔科', title: '主任医师', specialty: '种植修复' },
  { name: '刘洋', department: '眼科', title: '副主任医师', specialty: '屈光手术' },
];

const CHANNELS: { name: string; systemKey: string | null }[] = [
  { name: '百度推广', systemKey: null },
  { name: '微信公众号', systemKey: null },
  { name: '抖音', systemKey: null },
  { name: '大众点评', systemKey: null },
  { name: '朋友介绍', systemKey: null },
  { name: '电话咨询', systemKey: null },
  { name: '患者端自助注册', systemKey: 'portal_self_registration' },
];

const ADVISORY_WAYS = ['电话', '微信', 'QQ', '在线咨询', '到院咨询'];

async function createTables(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await withIdColumn(db.schema.createTable('roles'), dialect)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('builtin_key', 'text', (c) => c.unique())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('role_permissions')
    .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('permission_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_permissions_pk', ['role_id', 'permission_key'])
    .execute();

  await withIdColumn(db.schema.createTable('staff_users'), dialect)
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id'))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_users_role_idx').on('staff_users').column('role_id').execute();

  await db.schema
    .createTable('auth_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('family', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('auth_sessions_subject_idx')
    .on('auth_sessions')
    .columns(['family', 'subject_id'])
    .execute();
  await db.schema.createIndex('auth_sessions_expiry_idx').on('auth_sessions').column('expires_at').execute();

  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .execute();

  await withIdColumn(db.schema.createTable('departments'), dialect)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await withIdColumn(db.schema.createTable('diseases'), dialect)
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('diseases_department_idx').on('diseases').column('department_id').execute();

  await withIdColumn(db.schema.createTable('doctors'), dialect)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('title', 'text')
    .addColumn('specialty', 'text')
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('doctors_department_idx').on('doctors').column('department_id').execute();

  await withIdColumn(db.schema.createTable('channels'), dialect)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('system_key', 'text', (c) => c.unique())
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await withIdColumn(db.schema.createTable('advisory_ways'), dialect)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await withIdColumn(db.schema.createTable('patients'), dialect)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sex', 'integer')
    .addColumn('age', 'integer')
    .addColumn('tel', 'text')
    .addColumn('wechat', 'text')
    .addColumn('qq', 'text')
    .addColumn('add_time', 'bigint', (c) => c.notNull())
    .addColumn('order_time', 'bigint')
    .addColumn('reach_time', 'bigint')
    .addColumn('disease_id', 'integer', (c) => c.references('diseases.id'))
    .addColumn('author_id', 'integer', (c) => c.references('staff_users.id'))
    .addColumn('state', 'integer', (c) => c.notNull())
    .addColumn('media_from_id', 'integer', (c) => c.references('channels.id'))
    .addColumn('doctor_id', 'integer', (c) => c.references('doctors.id'))
    .addColumn('advisory_way', 'text')
    .addColumn('advisory_content', 'text')
    .addColumn('area', 'text')
    .addColumn('remarks', 'text')
    .addColumn('birth_date', 'text')
    .addColumn('address', 'text')
    .addColumn('medical_history', 'text')
    .addColumn('avatar_url', 'text')
    .addColumn('deleted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // One index per filter the list offers; the time column last so that a filtered,
  // time-sorted first page is an index range scan.
  const patientIndexes: [string, string[]][] = [
    ['patients_add_time_idx', ['add_time']],
    ['patients_state_add_time_idx', ['state', 'add_time']],
    ['patients_author_add_time_idx', ['author_id', 'add_time']],
    ['patients_channel_add_time_idx', ['media_from_id', 'add_time']],
    ['patients_disease_add_time_idx', ['disease_id', 'add_time']],
    ['patients_doctor_order_time_idx', ['doctor_id', 'order_time']],
    ['patients_order_time_idx', ['order_time']],
    ['patients_reach_time_idx', ['reach_time']],
    ['patients_tel_idx', ['tel']],
    ['patients_name_idx', ['name']],
  ];
  for (const [name, columns] of patientIndexes) {
    await db.schema.createIndex(name).on('patients').columns(columns).execute();
  }

  await withIdColumn(db.schema.createTable('patient_accounts'), dialect)
    .addColumn('patient_id', 'integer', (c) => c.notNull().unique().references('patients.id'))
    .addColumn('phone', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await withIdColumn(db.schema.createTable('audit_log'), dialect)
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('actor_label', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('request_id', 'text')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_log_time_idx').on('audit_log').column('occurred_at').execute();
  await db.schema
    .createIndex('audit_log_target_idx')
    .on('audit_log')
    .columns(['target_type', 'target_id', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('audit_log_actor_idx')
    .on('audit_log')
    .columns(['actor_type', 'actor_id', 'occurred_at'])
    .execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'occurred_at']).execute();
}

async function seedDefaults(db: Kysely<any>): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  for (const role of DEFAULT_ROLES) {
    const { id } = await db
      .insertInto('roles')
      .values({ name: role.name, builtin_key: role.builtinKey, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('role_permissions')
      .values(role.permissions.map((permission_key) => ({ role_id: id, permission_key })))
      .execute();
  }
  for (const [departmentIndex, department] of DEPARTMENTS.entries()) {
    const { id } = await db
      .insertInto('departments')
      .values({ name: department.name, sort_order: departmentIndex })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('diseases')
      .values(department.diseases.map((name, sort_order) => ({ department_id: id, name, sort_order })))
      .execute();
  }
  for (const [sortOrder, doctor] of DOCTORS.entries()) {
    const department = await db
      .selectFrom('departments')
      .select('id')
      .where('name', '=', doctor.department)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('doctors')
      .values({
        name: doctor.name,
        department_id: department.id,
        title: doctor.title,
        specialty: doctor.specialty,
        sort_order: sortOrder,
      })
      .execute();
  }
  await db
    .insertInto('channels')
    .values(CHANNELS.map((channel, sort_order) => ({ name: channel.name, system_key: channel.systemKey, sort_order })))
    .execute();
  await db
    .insertInto('advisory_ways')
    .values(ADVISORY_WAYS.map((name, sort_order) => ({ name, sort_order })))
    .execute();
}

export function initialMigration(dialect: DialectName): Migration {
  return {
    async up(db) {
      await createTables(db, dialect);
      await seedDefaults(db);
    },
    async down(db) {
      for (const table of [
        'audit_log',
        'patient_accounts',
        'patients',
        'advisory_ways',
        'channels',
        'doctors',
        'diseases',
        'departments',
        'login_throttle',
        'auth_sessions',
        'staff_users',
        'role_permissions',
        'roles',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
