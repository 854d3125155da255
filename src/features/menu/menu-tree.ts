import type { PermissionKey } from '../../domain/permissions.js';

/**
 * The back office's menu, in the seed's shape. Each entry is shown when the user holds
 * its permission key, so the menu can never offer what the API would refuse.
 * `regsiter` keeps the seed's spelling: front ends in the field route by it.
 */
interface MenuLeaf {
  id: string;
  title: string;
  name: string;
  url: string;
  /** One key, or several of which any one shows the entry (a list seen by own or all patients). */
  permission: PermissionKey | PermissionKey[];
}

interface MenuBranch {
  title: string;
  name: string;
  url: string;
  permission: PermissionKey;
  child: MenuLeaf[];
}

export const menuTree: MenuBranch[] = [
  { title: '仪表盘', name: '1', url: 'dashboard', permission: 'dashboard', child: [] },
  {
    title: '客户池',
    name: '2',
    url: 'patients',
    permission: 'patients',
    child: [
      { id: '3', title: '登记用户', name: '2-1', url: 'regsiter', permission: 'patients:create' },
      { id: '4', title: '导入导出', name: '2-2', url: 'patients-transfer', permission: 'patients:export' },
      { id: '5', title: '批量导入', name: '2-3', url: 'patients-import', permission: 'patients:import' },
      { id: '6', title: '回收站', name: '2-4', url: 'recycle-bin', permission: 'patients:recycle_bin' },
      { id: '27', title: '公海', name: '2-5', url: 'shared-pool', permission: 'patients:pool' },
    ],
  },
  // The day's work (issue 17), beside the pool: front desk and consultants land on the dashboard, whose
  // cards open these lists; a role without the dashboard still lands on the pool, as before.
  {
    title: '工作台',
    name: '24',
    url: 'workbench',
    permission: 'patients',
    child: [
      { id: '25', title: '前台工作台', name: '24-1', url: 'front-desk', permission: 'appointments:view' },
      {
        id: '26',
        title: '回访工作台',
        name: '24-2',
        url: 'follow-up-worklist',
        permission: ['patients:view_own', 'patients:view_all', 'patients:view_booked'],
      },
      // The linked doctor's day (issue 19): 医生 and any role granted doctor:day.
      { id: '29', title: '医生工作台', name: '24-3', url: 'doctor-desk', permission: 'doctor:day' },
      // Patients' questions to the linked doctor (issue 19): 医生 and any role granted consultations:reply.
      { id: '30', title: '在线问诊', name: '24-4', url: 'consultations', permission: 'consultations:reply' },
    ],
  },
  {
    title: '预约挂号',
    name: '7',
    url: 'appointments',
    permission: 'appointments',
    child: [
      { id: '8', title: '医生日程', name: '7-1', url: 'doctor-day', permission: 'appointments:view' },
      { id: '9', title: '排班管理', name: '7-2', url: 'schedules', permission: 'appointments:schedules' },
    ],
  },
  {
    title: '数据中心',
    name: '10',
    url: 'statistics',
    permission: 'statistics',
    child: [
      { id: '11', title: '统计报表', name: '10-1', url: 'funnel', permission: 'statistics:view' },
      { id: '28', title: '营销费用', name: '10-2', url: 'marketing-costs', permission: 'statistics:costs' },
    ],
  },
  {
    title: '信息管理',
    name: '12',
    url: 'catalogs',
    permission: 'catalogs',
    child: [
      { id: '13', title: '科室病种', name: '12-1', url: 'departments', permission: 'catalogs:view' },
      { id: '14', title: '医生', name: '12-2', url: 'doctors', permission: 'catalogs:view' },
      { id: '15', title: '来源渠道', name: '12-3', url: 'channels', permission: 'catalogs:view' },
      { id: '16', title: '咨询方式', name: '12-4', url: 'advisory-ways', permission: 'catalogs:view' },
    ],
  },
  {
    title: '人员管理',
    name: '17',
    url: 'staff',
    permission: 'staff',
    child: [
      { id: '18', title: '员工账号', name: '17-1', url: 'staff-users', permission: 'staff:view' },
      { id: '19', title: '角色权限', name: '17-2', url: 'roles', permission: 'staff:roles' },
    ],
  },
  { title: '操作日志', name: '20', url: 'logs', permission: 'logs:view', child: [] },
  {
    title: '消息通知',
    name: '21',
    url: 'notifications',
    permission: 'notifications',
    child: [
      { id: '22', title: '发送记录', name: '21-1', url: 'notification-log', permission: 'notifications:view' },
      { id: '23', title: '消息模板', name: '21-2', url: 'notification-templates', permission: 'notifications:manage' },
    ],
  },
];

export type MenuEntry = Omit<MenuBranch, 'permission' | 'child'> & { child: Omit<MenuLeaf, 'permission'>[] };

export function menuFor(permissions: ReadonlySet<PermissionKey>): MenuEntry[] {
  return menuTree
    .filter((branch) => permissions.has(branch.permission))
    .map(({ title, name, url, child }) => ({
      title,
      name,
      url,
      child: child
        .filter((leaf) => [leaf.permission].flat().some((key) => permissions.has(key)))
        .map(({ id, title, name, url }) => ({ id, title, name, url })),
    }));
}
