/**
 * The fixed catalogue of named permissions: a two-level tree, module -> action. A module
 * key (`patients`) grants access to the module; an action key (`patients:create`) grants
 * one operation. Routes declare the key they need, the menu is derived from the same keys,
 * and roles store sets of them.
 */
interface PermissionNode {
  key: string;
  description: string;
}

interface PermissionModule extends PermissionNode {
  actions: readonly PermissionNode[];
}

export const permissionTree = [
  { key: 'dashboard', description: '仪表盘', actions: [] },
  {
    key: 'patients',
    description: '客户池',
    actions: [
      { key: 'patients:view_own', description: '查看本人登记的客户' },
      { key: 'patients:view_all', description: '查看全部客户' },
      { key: 'patients:view_booked', description: '查看在本人（关联医生）名下预约或就诊的客户' },
      { key: 'patients:view_marketing', description: '医生范围下仍可查看营销字段（渠道、消费、咨询内容）' },
      { key: 'patients:create', description: '登记客户' },
      { key: 'patients:edit', description: '编辑客户资料' },
      { key: 'patients:delete', description: '删除客户（移入回收站）' },
      { key: 'patients:change_state', description: '修改客户状态' },
      { key: 'patients:confirm_arrival', description: '确认到诊' },
      { key: 'patients:change_doctor', description: '修改预约医生' },
      { key: 'patients:change_channel', description: '修改来源渠道' },
      { key: 'patients:change_disease', description: '修改病种' },
      { key: 'patients:edit_spend', description: '编辑消费金额' },
      { key: 'patients:view_full_phone', description: '查看完整手机号' },
      { key: 'patients:export', description: '导出客户' },
      { key: 'patients:import', description: '导入客户' },
      { key: 'patients:recycle_bin', description: '回收站（恢复、彻底删除）' },
      { key: 'patients:portal_account', description: '患者端账号：到店核验后关联、重置密码、解锁' },
      { key: 'patients:handover', description: '移交客户（转给其他咨询员）' },
      { key: 'patients:pool', description: '公海客户（查看、认领）' },
    ],
  },
  {
    key: 'appointments',
    description: '预约挂号',
    actions: [
      { key: 'appointments:view', description: '查看预约与医生日程' },
      { key: 'appointments:manage', description: '代约、取消、确认到诊或爽约' },
      { key: 'appointments:schedules', description: '管理医生排班' },
    ],
  },
  {
    key: 'visits',
    description: '病历',
    actions: [
      { key: 'visits:notes_view', description: '查看病历（本人可见范围内的客户）' },
      { key: 'visits:notes_write', description: '书写、修改、发布病历，上传附件' },
    ],
  },
  {
    key: 'doctor',
    description: '医生工作台',
    actions: [{ key: 'doctor:day', description: '查看本人当日接诊与排班，标记到诊、已诊' }],
  },
  {
    key: 'consultations',
    description: '在线问诊',
    actions: [{ key: 'consultations:reply', description: '回复本人（关联医生）的在线问诊，发送图片，结束问诊' }],
  },
  {
    key: 'statistics',
    description: '数据中心',
    actions: [
      { key: 'statistics:view', description: '查看统计报表' },
      { key: 'statistics:costs', description: '录入、导入营销费用' },
    ],
  },
  {
    key: 'catalogs',
    description: '信息管理',
    actions: [
      { key: 'catalogs:view', description: '查看科室、病种、医生、渠道、咨询方式' },
      { key: 'catalogs:manage', description: '维护科室、病种、医生、渠道、咨询方式' },
    ],
  },
  {
    key: 'staff',
    description: '人员管理',
    actions: [
      { key: 'staff:view', description: '查看员工' },
      { key: 'staff:manage', description: '新增、编辑、停用员工，重置密码' },
      { key: 'staff:roles', description: '管理角色与权限' },
    ],
  },
  { key: 'logs', description: '操作日志', actions: [{ key: 'logs:view', description: '查看操作日志' }] },
  {
    key: 'notifications',
    description: '消息通知',
    actions: [
      { key: 'notifications:view', description: '查看消息发送记录' },
      { key: 'notifications:manage', description: '编辑消息模板、重发失败消息' },
    ],
  },
] as const satisfies readonly PermissionModule[];

type ModuleKey = (typeof permissionTree)[number]['key'];
type ActionKey = (typeof permissionTree)[number]['actions'][number]['key'];

/** Every key a role may hold; a route declaring anything else does not compile. */
export type PermissionKey = ModuleKey | ActionKey;

export const allPermissionKeys: readonly PermissionKey[] = permissionTree.flatMap((module) => [
  module.key,
  ...module.actions.map((action) => action.key),
]);

const knownKeys = new Set<string>(allPermissionKeys);

export const isPermissionKey = (key: string): key is PermissionKey => knownKeys.has(key);

/** An action counts only together with its module: removing module access removes the module. */
export function effectivePermissions(granted: Iterable<string>): ReadonlySet<PermissionKey> {
  const grantedSet = new Set(granted);
  const effective = new Set<PermissionKey>();
  for (const module of permissionTree) {
    if (!grantedSet.has(module.key)) continue;
    effective.add(module.key);
    for (const action of module.actions) if (grantedSet.has(action.key)) effective.add(action.key);
  }
  return effective;
}

/** The built-in administrator role (roles.builtin_key): it cannot be deleted or lose role management. */
export const ADMINISTRATOR_ROLE_KEY = 'administrator';
