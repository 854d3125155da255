/** Back-office strings (owned by the back-office UI). */
export const adminZh = {
  title: 'CarePool 管理后台',
};

export const adminEn: typeof adminZh = {
  title: 'CarePool Back Office',
};
