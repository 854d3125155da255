/** Portal strings for the clinic's information, clinic time and accessible names (issue 17). */
export const portalClinicZh = {
  clinic: {
    title: '就诊信息',
    address: '地址',
    phone: '电话',
    hours: '门诊时间',
    call: '拨打 {{phone}}',
    colon: '：',
  },
  clinicTime: {
    beijing: '北京时间',
    zone: '诊所时间（{{zone}}）',
    note: '页面上的时间均为{{label}}',
  },
  a11y: {
    logout: '退出登录',
  },
};

export const portalClinicEn: typeof portalClinicZh = {
  clinic: {
    title: 'Visiting the clinic',
    address: 'Address',
    phone: 'Phone',
    hours: 'Opening hours',
    call: 'Call {{phone}}',
    colon: ': ',
  },
  clinicTime: {
    beijing: 'Beijing time',
    zone: 'clinic time ({{zone}})',
    note: 'Times on this site are {{label}}',
  },
  a11y: {
    logout: 'Log out',
  },
};
