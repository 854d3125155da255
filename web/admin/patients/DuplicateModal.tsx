import { Alert, Button, Modal, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { formatTime, stateLabel } from './patientFormat';

export type Duplicate =
  ApiPaths['/back_end/api/v1/patient/duplicates']['get']['responses'][200]['content']['application/json']['duplicates'][number];

/** "已有 N 条重复记录": the records that share a phone, WeChat or QQ, before saving anyway. */
export function DuplicateModal({
  pending,
  onCancel,
  onConfirm,
}: {
  pending: { duplicates: Duplicate[]; total: number } | undefined;
  onCancel: () => void;
  onConfirm: () => Promise<void>;
}) {
  const { t } = useTranslation('admin');
  const [saving, setSaving] = useState(false);
  return (
    <Modal
      open={Boolean(pending)}
      title={t('register.duplicateTitle')}
      width={720}
      onCancel={onCancel}
      // Going back to the form is the safe, primary choice; saving a second record is the deliberate one.
      footer={[
        <Button
          key="save"
          loading={saving}
          onClick={async () => {
            setSaving(true);
            await onConfirm().finally(() => setSaving(false));
          }}
        >
          {t('register.saveAnyway')}
        </Button>,
        <Button key="back" type="primary" onClick={onCancel}>
          {t('defects.duplicates.backToEdit')}
        </Button>,
      ]}
    >
      {pending && (
        <>
          <Alert
            type="warning"
            showIcon
            message={t('register.duplicates', { count: pending.total })}
            style={{ marginBottom: 12 }}
          />
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={pending.duplicates}
            columns={[
              { title: 'ID', dataIndex: 'id' },
              { title: t('fields.name'), dataIndex: 'name' },
              { title: t('fields.tel'), dataIndex: 'tel' },
              { title: t('fields.state'), render: (_, row) => stateLabel(t, row.state) },
              { title: t('fields.addTime'), render: (_, row) => formatTime(row.addTime) },
              {
                title: t('register.matchedOn'),
                render: (_, row) => row.matchedOn.map((field) => t(`register.matched.${field}`)).join('、'),
              },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
