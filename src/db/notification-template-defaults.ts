/**
 * The message templates a new installation starts with (seeded by migration 0016), one per event,
 * language and channel. Placeholders are `{name}`; which names each event offers and requires is
 * the notifications feature's event catalogue, which checks these too (a test renders them all).
 *
 * SMS: the body is what the log shows; Alibaba and Tencent send the text of the template
 * approved in their console (provider_template: Alibaba's TemplateCode, Tencent's TemplateId),
 * filled with these placeholders: by name for Alibaba (${name} in its template), in the order
 * they first appear here for Tencent ({1}, {2} ...). Template codes and sign names depend on the
 * clinic's provider account, so they start empty and are set in the template editor.
 * WeChat: one `field: text` line per field of the WeChat template (thing1, time2 ...), whose
 * template_id goes in provider_template.
 */
export interface DefaultTemplate {
  event: string;
  language: 'zh-CN' | 'en';
  channel: 'sms' | 'email' | 'wechat';
  subject: string | null;
  body: string;
  provider_template: string | null;
  sign_name: string | null;
}

type Texts = { sms: string; subject: string; email: string; wechat: string };

const APPOINTMENT_EVENTS: Record<string, { 'zh-CN': Texts; en: Texts }> = {
  booking_confirmed: {
    'zh-CN': {
      sms: '{patient_name}您好，您已预约{date}{period}（{time}起）{department_name}{doctor_name}医生，请按时就诊。',
      subject: '预约成功：{date}{period} {doctor_name}医生',
      email:
        '{patient_name}您好：\n\n您已成功预约 {date}{period}（{time}起）{department_name} {doctor_name}医生的门诊。\n请按时就诊，如需取消请在患者端操作。',
      wechat: 'thing1: {doctor_name}（{department_name}）\ntime2: {date} {time}\nthing3: {patient_name}',
    },
    en: {
      sms: 'Dear {patient_name}, your appointment with Dr {doctor_name} ({department_name}) on {date} {period} from {time} is booked.',
      subject: 'Appointment booked: {date} {period}, Dr {doctor_name}',
      email:
        'Dear {patient_name},\n\nYour appointment with Dr {doctor_name} ({department_name}) on {date} {period}, from {time}, is booked.\nYou can cancel it in the patient portal.',
      wechat: 'thing1: {doctor_name} ({department_name})\ntime2: {date} {time}\nthing3: {patient_name}',
    },
  },
  booking_cancelled: {
    'zh-CN': {
      sms: '{patient_name}您好，您{date}{period}{doctor_name}医生的预约已取消。如需就诊请重新预约。',
      subject: '预约已取消：{date}{period} {doctor_name}医生',
      email:
        '{patient_name}您好：\n\n您 {date}{period} {department_name} {doctor_name}医生的预约已取消（{reason}）。\n如需就诊，请重新预约。',
      wechat: 'thing1: {doctor_name}（{department_name}）\ntime2: {date} {time}\nthing3: {reason}',
    },
    en: {
      sms: 'Dear {patient_name}, your appointment with Dr {doctor_name} on {date} {period} is cancelled.',
      subject: 'Appointment cancelled: {date} {period}, Dr {doctor_name}',
      email:
        'Dear {patient_name},\n\nYour appointment with Dr {doctor_name} ({department_name}) on {date} {period} is cancelled ({reason}).\nPlease book again if you still need a visit.',
      wechat: 'thing1: {doctor_name} ({department_name})\ntime2: {date} {time}\nthing3: {reason}',
    },
  },
  session_stopped: {
    'zh-CN': {
      sms: '{patient_name}您好，{doctor_name}医生{date}{period}停诊，您的预约已取消，敬请谅解。停诊原因：{reason}',
      subject: '停诊通知：{doctor_name}医生 {date}{period}',
      email:
        '{patient_name}您好：\n\n{department_name} {doctor_name}医生 {date}{period} 停诊，您的预约已取消，给您带来不便敬请谅解。\n停诊原因：{reason}\n请在患者端重新预约其他时段。',
      wechat: 'thing1: {doctor_name}（{department_name}）\ntime2: {date} {time}\nthing3: {reason}',
    },
    en: {
      sms: 'Dear {patient_name}, Dr {doctor_name} will not hold the {date} {period} session; your appointment is cancelled. Reason: {reason}',
      subject: 'Session cancelled: Dr {doctor_name}, {date} {period}',
      email:
        'Dear {patient_name},\n\nDr {doctor_name} ({department_name}) will not hold the session of {date} {period}, so your appointment is cancelled. We apologise.\nReason: {reason}\nPlease book another session in the patient portal.',
      wechat: 'thing1: {doctor_name} ({department_name})\ntime2: {date} {time}\nthing3: {reason}',
    },
  },
  appointment_reminder: {
    'zh-CN': {
      sms: '{patient_name}您好，提醒您{date}{period}{time}有{department_name}{doctor_name}医生的门诊预约，请准时就诊。',
      subject: '就诊提醒：{date}{period} {time}',
      email:
        '{patient_name}您好：\n\n提醒您 {date}{period} {time} 有 {department_name} {doctor_name}医生的门诊预约，请准时就诊。',
      wechat: 'thing1: {doctor_name}（{department_name}）\ntime2: {date} {time}\nthing3: {patient_name}',
    },
    en: {
      sms: 'Dear {patient_name}, a reminder of your appointment with Dr {doctor_name} ({department_name}) on {date} {period} at {time}.',
      subject: 'Reminder: {date} {period} at {time}',
      email:
        'Dear {patient_name},\n\nA reminder of your appointment with Dr {doctor_name} ({department_name}) on {date} {period} at {time}.',
      wechat: 'thing1: {doctor_name} ({department_name})\ntime2: {date} {time}\nthing3: {patient_name}',
    },
  },
};

/** A doctor's answer the patient has not read (问诊): all channels, by the patient's settings. */
const CONSULTATION_EVENTS: Record<string, { 'zh-CN': Texts; en: Texts }> = {
  consultation_reply: {
    'zh-CN': {
      sms: '{patient_name}您好，{doctor_name}医生回复了您的在线问诊，请登录患者端查看。',
      subject: '{doctor_name}医生回复了您的问诊',
      email:
        '{patient_name}您好：\n\n{department_name} {doctor_name}医生回复了您的在线问诊，请登录患者端“在线问诊”查看。',
      wechat: 'thing1: {doctor_name}（{department_name}）\nthing2: 医生回复了您的问诊',
    },
    en: {
      sms: 'Dear {patient_name}, Dr {doctor_name} answered your online consultation. Sign in to the patient portal to read it.',
      subject: 'Dr {doctor_name} answered your consultation',
      email:
        'Dear {patient_name},\n\nDr {doctor_name} ({department_name}) answered your online consultation. Sign in to the patient portal and open Consultations to read it.',
      wechat: 'thing1: {doctor_name} ({department_name})\nthing2: Your doctor answered',
    },
  },
};

/** Security messages go by SMS only: they concern the phone itself. */
const SECURITY_EVENTS: Record<string, { 'zh-CN': string; en: string }> = {
  verification_code: {
    'zh-CN': '您的验证码为{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。',
    en: 'Your verification code is {code}, valid for {minutes} minutes. Ignore this message if you did not ask for it.',
  },
  password_changed: {
    'zh-CN': '您的患者端账号密码已于{time}修改，所有设备已退出登录。如非本人操作，请立即联系诊所。',
    en: 'The password of your patient portal account was changed at {time} and every device signed out. If this was not you, contact the clinic now.',
  },
  phone_changed: {
    'zh-CN': '您的患者端账号已于{time}将登录手机号改为{new_phone}。如非本人操作，请立即联系诊所。',
    en: 'Your patient portal login phone was changed to {new_phone} at {time}. If this was not you, contact the clinic now.',
  },
};

function build(): DefaultTemplate[] {
  const templates: DefaultTemplate[] = [];
  const base = { provider_template: null, sign_name: null };
  for (const [event, languages] of Object.entries({ ...APPOINTMENT_EVENTS, ...CONSULTATION_EVENTS })) {
    for (const language of ['zh-CN', 'en'] as const) {
      const texts = languages[language];
      templates.push({ event, language, channel: 'sms', subject: null, body: texts.sms, ...base });
      templates.push({ event, language, channel: 'email', subject: texts.subject, body: texts.email, ...base });
      templates.push({ event, language, channel: 'wechat', subject: null, body: texts.wechat, ...base });
    }
  }
  for (const [event, languages] of Object.entries(SECURITY_EVENTS)) {
    for (const language of ['zh-CN', 'en'] as const)
      templates.push({ event, language, channel: 'sms', subject: null, body: languages[language], ...base });
  }
  return templates;
}

export const DEFAULT_NOTIFICATION_TEMPLATES: readonly DefaultTemplate[] = build();
