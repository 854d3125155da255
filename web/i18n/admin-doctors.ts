/**
 * Back-office strings of issue 19's doctor accounts: 医生工作台 and the staff form's doctor link.
 * Chinese first; English has the same keys. Merged into the admin namespace by web/i18n/admin.ts
 * (`doctorDesk`, `staffDoctor`, and the menu's entry).
 */
export const adminDoctorsMenuZh = { 'doctor-desk': '医生工作台' };
export const adminDoctorsMenuEn = { 'doctor-desk': "Doctor's desk" };

export const adminDoctorsZh = {
  doctorDesk: {
    previousDay: '前一天',
    nextDay: '后一天',
    today: '今天',
    date: '日期',
    empty: '本时段没有预约',
    patient: '患者',
    sexAge: '性别/年龄',
    reason: '就诊原因',
    notes: '备注',
    history: '过敏史/既往史',
    visits: '既往就诊',
    visitsValue: '{{count}} 次',
    lastVisit: '上次 {{date}}',
    state: '状态',
    states: { booked: '待到诊', arrived: '已到诊', seen: '已诊', missed: '爽约' },
    arrive: '到诊',
    seen: '已诊',
    arrived: '{{name}} 已到诊',
    markedSeen: '{{name}} 已标记为已诊',
    schedule: '我的排班',
    scheduleEmpty: '暂无每周排班',
    exceptions: '近 28 天停诊/加诊',
    capacity: '{{count}} 个号',
    cancelled: '停诊',
    extra: '加诊',
    sex: { '0': '男', '1': '女' },
    age: '{{age}} 岁',
  },
  staffDoctor: {
    doctor: '关联医生',
    none: '未关联',
    link: '关联医生',
    linkTitle: '关联医生：{{name}}',
    linked: '已更新 {{name}} 的关联医生',
    placeholder: '选择医生（清空即取消关联）',
  },
};

export const adminDoctorsEn: typeof adminDoctorsZh = {
  doctorDesk: {
    previousDay: 'Previous day',
    nextDay: 'Next day',
    today: 'Today',
    date: 'Date',
    empty: 'No appointments in this session',
    patient: 'Patient',
    sexAge: 'Sex / age',
    reason: 'Reason for visit',
    notes: 'Notes',
    history: 'Allergies / history',
    visits: 'Previous visits',
    visitsValue: '{{count}}',
    lastVisit: 'last {{date}}',
    state: 'State',
    states: { booked: 'Expected', arrived: 'Arrived', seen: 'Seen', missed: 'Missed' },
    arrive: 'Arrived',
    seen: 'Seen',
    arrived: '{{name}} has arrived',
    markedSeen: '{{name}} marked seen',
    schedule: 'My schedule',
    scheduleEmpty: 'No weekly sessions',
    exceptions: 'Next 28 days: cancelled and extra sessions',
    capacity: '{{count}} places',
    cancelled: 'Cancelled',
    extra: 'Extra',
    sex: { '0': 'Male', '1': 'Female' },
    age: '{{age}} y',
  },
  staffDoctor: {
    doctor: 'Linked doctor',
    none: 'None',
    link: 'Link doctor',
    linkTitle: 'Linked doctor: {{name}}',
    linked: "{{name}}'s doctor link updated",
    placeholder: 'Pick a doctor (clear to unlink)',
  },
};
