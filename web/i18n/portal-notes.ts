/** 我的病历: the visit notes the clinic released to the patient (issue 19, docs/visit-notes.md). */
export const portalNotesZh = {
  records: {
    nav: '我的病历',
    title: '我的病历',
    empty: '暂无医生发布的病历',
    visit: '{{time}} 就诊',
    chiefComplaint: '主诉',
    findings: '检查所见',
    diagnosis: '诊断',
    advice: '医嘱',
    followUp: '复诊日期',
    updated: '医生更新于 {{time}}',
    attachment: '附件 {{n}}（{{kind}}）',
    pdf: 'PDF',
    image: '图片',
    openFailed: '附件打开失败，请稍后重试',
  },
};

export const portalNotesEn: typeof portalNotesZh = {
  records: {
    nav: 'My records',
    title: 'My visit records',
    empty: 'No records released by your doctor yet',
    visit: 'Visit on {{time}}',
    chiefComplaint: 'Chief complaint',
    findings: 'Findings',
    diagnosis: 'Diagnosis',
    advice: 'Advice',
    followUp: 'Follow-up date',
    updated: 'Updated by the doctor on {{time}}',
    attachment: 'Attachment {{n}} ({{kind}})',
    pdf: 'PDF',
    image: 'image',
    openFailed: 'The attachment could not be opened; please try again later',
  },
};
