/** Patient-portal strings (owned by the portal UI). */
export const portalZh = {
  title: 'CarePool 患者服务',
};

export const portalEn: typeof portalZh = {
  title: 'CarePool Patient Portal',
};
