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
    reload: '刷新',
    density: '表格密度',
    columns: '列设置',
    collapseMenu: '收起菜单',
    expandMenu: '展开菜单',
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
    reload: 'Reload',
    density: 'Table density',
    columns: 'Column settings',
    collapseMenu: 'Collapse menu',
    expandMenu: 'Expand menu',
  },
};
