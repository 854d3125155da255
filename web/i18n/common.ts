/** Strings shared by the back office and the portal. */
export const commonZh = {
  language: '语言',
  loading: '加载中…',
  empty: '暂无数据',
  retry: '重试',
  save: '保存',
  cancel: '取消',
  confirm: '确认',
  logout: '退出登录',
  networkError: '网络异常，请稍后再试',
  serverError: '服务器开小差了，请稍后再试',
  actions: '操作',
};

export const commonEn: typeof commonZh = {
  language: 'Language',
  loading: 'Loading…',
  empty: 'No data',
  retry: 'Retry',
  save: 'Save',
  cancel: 'Cancel',
  confirm: 'Confirm',
  logout: 'Log out',
  networkError: 'Network problem, please try again',
  serverError: 'Something went wrong on the server, please try again',
  actions: 'Actions',
};
