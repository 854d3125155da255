/**
 * Deterministic material for the demo clinic: the same seed gives the same clinic, so a
 * screenshot or a walkthrough can be reproduced.
 */

/** mulberry32: tiny, fast, good enough for plausible demo data (not for secrets). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
export const between = (random: Random, low: number, high: number): number =>
  low + Math.floor(random() * (high - low + 1));

export const DEMO_PASSWORD = 'carepool-demo-1';

/** One account per default role (two consultants, so "own patients" scoping shows). */
export const DEMO_STAFF = [
  { username: 'demo_admin', displayName: '演示管理员', role: '管理员' },
  { username: 'demo_consultant1', displayName: '咨询-小林', role: '咨询客服' },
  { username: 'demo_consultant2', displayName: '咨询-小周', role: '咨询客服' },
  { username: 'demo_frontdesk', displayName: '前台-小吴', role: '前台' },
  { username: 'demo_manager', displayName: '主管-赵院长', role: '院长/主管' },
] as const;

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '罗',
  '高',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
  '刚',
  '桂英',
  '子涵',
  '浩然',
  '欣怡',
];
const AREAS = ['朝阳区', '海淀区', '东城区', '西城区', '丰台区', '通州区', '昌平区', '大兴区', '顺义区', '外地'];
const INQUIRIES = [
  '咨询治疗费用',
  '想了解疗程时间',
  '询问专家出诊时间',
  '复查咨询',
  '想预约周末门诊',
  '询问医保报销',
  '咨询术后恢复',
];
const FOLLOW_UP_NOTES = [
  '电话回访，患者考虑中',
  '已发送医院地址和路线',
  '患者表示本周来院',
  '提醒携带既往检查报告',
  '患者询问优惠活动',
  '到诊后回访，满意度高',
];

export interface DemoPatient {
  name: string;
  sex: number;
  age: number;
  tel: string;
  area: string;
  inquiry: string;
}

/** Phones in one block (138 0013 xxxx), unique per index. */
export function demoPatient(random: Random, index: number): DemoPatient {
  return {
    name: pick(random, SURNAMES) + pick(random, GIVEN),
    sex: random() < 0.55 ? 1 : 0,
    age: between(random, 18, 68),
    tel: `1380013${String(index).padStart(4, '0')}`,
    area: pick(random, AREAS),
    inquiry: pick(random, INQUIRIES),
  };
}

export const followUpNote = (random: Random): string => pick(random, FOLLOW_UP_NOTES);

/** Departments whose diseases only one sex has (the seeded catalog's 妇科 and 男科); others fit both. */
const FEMALE_ONLY_DEPARTMENTS = ['妇科', '产科', '妇产科'];
const MALE_ONLY_DEPARTMENTS = ['男科'];

/** Whether a disease of this department fits a patient of this sex (0 male, 1 female). */
export function diseaseFitsSex(departmentName: string | null, sex: 0 | 1): boolean {
  if (departmentName === null) return true;
  if (FEMALE_ONLY_DEPARTMENTS.includes(departmentName)) return sex === 1;
  if (MALE_ONLY_DEPARTMENTS.includes(departmentName)) return sex === 0;
  return true;
}
