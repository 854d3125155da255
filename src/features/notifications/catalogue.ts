import type { NotificationChannel, NotificationLanguage } from '../../db/schema.js';

/**
 * The events that send messages, the placeholders each offers, and which of them a template must
 * use. Templates are checked against this on save (an unknown or missing placeholder is a 400
 * naming it), so a message can never go out with a `{name}` left in it or without its point.
 */
export interface PlaceholderSpec {
  name: string;
  description: string;
}

export interface EventSpec {
  event: NotificationEvent;
  description: string;
  /** Security messages: SMS to the phone concerned, not subject to the patient's settings. */
  security: boolean;
  channels: readonly NotificationChannel[];
  placeholders: readonly PlaceholderSpec[];
  required: readonly string[];
}

export const NOTIFICATION_EVENTS = [
  'booking_confirmed',
  'booking_cancelled',
  'session_stopped',
  'appointment_reminder',
  'consultation_reply',
  'verification_code',
  'password_changed',
  'phone_changed',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const LANGUAGES: readonly NotificationLanguage[] = ['zh-CN', 'en'];
export const CHANNELS: readonly NotificationChannel[] = ['sms', 'email', 'wechat'];

const APPOINTMENT_PLACEHOLDERS: PlaceholderSpec[] = [
  { name: 'patient_name', description: '患者姓名' },
  { name: 'doctor_name', description: '医生姓名' },
  { name: 'department_name', description: '科室' },
  { name: 'date', description: '就诊日期 YYYY-MM-DD' },
  { name: 'period', description: '上午 / 下午（英文模板: morning / afternoon）' },
  { name: 'time', description: '时段开始时间 HH:MM' },
];
const REASON: PlaceholderSpec = { name: 'reason', description: '取消或停诊原因（未填时为“无”/“none”）' };
const ALL_CHANNELS = ['sms', 'email', 'wechat'] as const;

export const EVENT_CATALOGUE: Record<NotificationEvent, EventSpec> = {
  booking_confirmed: {
    event: 'booking_confirmed',
    description: '预约成功（患者自约或前台代约）',
    security: false,
    channels: ALL_CHANNELS,
    placeholders: APPOINTMENT_PLACEHOLDERS,
    required: ['date'],
  },
  booking_cancelled: {
    event: 'booking_cancelled',
    description: '预约取消（患者或员工取消）',
    security: false,
    channels: ALL_CHANNELS,
    placeholders: [...APPOINTMENT_PLACEHOLDERS, REASON],
    required: ['date'],
  },
  session_stopped: {
    event: 'session_stopped',
    description: '停诊：该时段每位已预约患者',
    security: false,
    channels: ALL_CHANNELS,
    placeholders: [...APPOINTMENT_PLACEHOLDERS, REASON],
    required: ['date'],
  },
  appointment_reminder: {
    event: 'appointment_reminder',
    description: '就诊提醒（前一天、可选就诊前数小时）；患者可关闭',
    security: false,
    channels: ALL_CHANNELS,
    placeholders: APPOINTMENT_PLACEHOLDERS,
    required: ['date'],
  },
  consultation_reply: {
    event: 'consultation_reply',
    description: '在线问诊：医生的回复患者在设定时间内未读（CONSULTATION_NOTICE_AFTER_SECONDS）；患者可随消息开关关闭',
    security: false,
    channels: ALL_CHANNELS,
    placeholders: [
      { name: 'patient_name', description: '患者姓名' },
      { name: 'doctor_name', description: '医生姓名' },
      { name: 'department_name', description: '科室' },
    ],
    required: ['doctor_name'],
  },
  verification_code: {
    event: 'verification_code',
    description: '手机验证码（注册、认领、找回密码、更换手机号）；安全消息，不可关闭',
    security: true,
    channels: ['sms'],
    placeholders: [
      { name: 'code', description: '6 位验证码' },
      { name: 'minutes', description: '有效分钟数' },
    ],
    required: ['code'],
  },
  password_changed: {
    event: 'password_changed',
    description: '患者端密码已修改（本人修改、验证码找回或员工重置）；安全消息，不可关闭',
    security: true,
    channels: ['sms'],
    placeholders: [{ name: 'time', description: '修改时间 YYYY-MM-DD HH:MM' }],
    required: [],
  },
  phone_changed: {
    event: 'phone_changed',
    description: '登录手机号已更换（发往原号码）；安全消息，不可关闭',
    security: true,
    channels: ['sms'],
    placeholders: [
      { name: 'new_phone', description: '新手机号（遮挡中间四位）' },
      { name: 'time', description: '更换时间 YYYY-MM-DD HH:MM' },
    ],
    required: [],
  },
};

const PLACEHOLDER = /\{([^{}\s]{1,60})\}/g;

/** The placeholder names a text uses, in order of first appearance (Tencent's positional parameters). */
export function placeholdersIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) if (!names.includes(match[1]!)) names.push(match[1]!);
  return names;
}

export function render(text: string, params: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => params[name] ?? whole);
}

/** A WeChat template body: one `field: text` line per field of the WeChat template. */
const WECHAT_LINE = /^([A-Za-z][A-Za-z0-9_]{0,31}):\s?(.*)$/;

export function wechatFields(body: string): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    const match = WECHAT_LINE.exec(line.trim());
    if (!match) return undefined;
    fields[match[1]!] = match[2]!;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

export interface TemplateProblems {
  unknown: string[];
  missing: string[];
}

/** Placeholders a template may not use, and required ones it leaves out (subject and body together). */
export function templateProblems(event: NotificationEvent, texts: readonly string[]): TemplateProblems {
  const spec = EVENT_CATALOGUE[event];
  const allowed = new Set(spec.placeholders.map((placeholder) => placeholder.name));
  const used = new Set(texts.flatMap(placeholdersIn));
  return {
    unknown: [...used].filter((name) => !allowed.has(name)),
    missing: spec.required.filter((name) => !used.has(name)),
  };
}
