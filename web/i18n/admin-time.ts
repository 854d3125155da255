/** Back-office strings for clinic time and accessible names of icon-only controls (issue 17). */
export const adminTimeZh = {
  clinicTime: {
    beijing: '北京时间',
    zone: '诊所时间（{{zone}}）',
    note: '页面上的时间均为{{label}}',
  },
  a11y: {
    from: '开始日期',
    to: '结束日期',
    range: '{{label}}：开始日期至结束日期',
  },
};

export const adminTimeEn: typeof adminTimeZh = {
  clinicTime: {
    beijing: 'Beijing time',
    zone: 'clinic time ({{zone}})',
    note: 'Times on this page are {{label}}',
  },
  a11y: {
    from: 'Start date',
    to: 'End date',
    range: '{{label}}: start and end date',
  },
};
