/**
 * Back-office strings of 在线问诊 (docs/consultations.md): the doctor's consultations with patients.
 * Chinese first; English has the same keys. Registered by web/i18n/admin-bundle.ts.
 */
export const consultationsMenuZh = { consultations: '在线问诊' };
export const consultationsMenuEn = { consultations: 'Online consultations' };

export const adminConsultationsZh = {
  consultationDesk: {
    list: '问诊列表',
    filter: '状态',
    filters: { all: '全部', open: '进行中', closed: '已结束' },
    open: '进行中',
    closed: '已结束',
    empty: '暂无问诊',
    noMessage: '暂无消息',
    unread: '{{count}} 条未读',
    choose: '请从左侧选择一个问诊',
    messages: '消息记录',
    earlier: '查看更早的消息',
    input: '输入回复',
    placeholder: '输入回复…（Ctrl+Enter 发送）',
    send: '发送',
    image: '发送图片',
    imageAlt: '问诊图片',
    imageFailed: '图片加载失败',
    imageType: '只能发送 JPEG、PNG 或 WebP 图片',
    imageTooLarge: '图片不能超过 5 MB',
    closedMessage: '问诊已结束',
    lastImage: '[图片]',
    close: '结束问诊',
    closeConfirm: '结束与 {{name}} 的问诊？结束后双方都不能再发送消息。',
    closeOk: '结束',
    closedDone: '已结束与 {{name}} 的问诊',
    closedNotice: '本次问诊已结束',
  },
};

export const adminConsultationsEn: typeof adminConsultationsZh = {
  consultationDesk: {
    list: 'Consultations',
    filter: 'Status',
    filters: { all: 'All', open: 'Open', closed: 'Closed' },
    open: 'Open',
    closed: 'Closed',
    empty: 'No consultations',
    noMessage: 'No messages yet',
    unread: '{{count}} unread',
    choose: 'Choose a consultation on the left',
    messages: 'Messages',
    earlier: 'Show earlier messages',
    input: 'Reply',
    placeholder: 'Type a reply… (Ctrl+Enter sends)',
    send: 'Send',
    image: 'Send a picture',
    imageAlt: 'Consultation picture',
    imageFailed: 'The picture could not be loaded',
    imageType: 'Only JPEG, PNG or WebP pictures can be sent',
    imageTooLarge: 'A picture must be 5 MB or less',
    closedMessage: 'The consultation was closed',
    lastImage: '[Picture]',
    close: 'Close consultation',
    closeConfirm: 'Close the consultation with {{name}}? Neither side can send messages afterwards.',
    closeOk: 'Close',
    closedDone: 'Consultation with {{name}} closed',
    closedNotice: 'This consultation is closed',
  },
};
