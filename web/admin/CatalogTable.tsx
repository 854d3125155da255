import { ModalForm, PageContainer, ProFormDigit, ProFormText } from '@ant-design/pro-components';
import { Alert, App, Button, Switch, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isForbidden, messageOf } from './api';
import { useAccess } from './access';
import { useRemote } from './useRemote';

export interface CatalogRow {
  id: string;
  name: string;
  sortOrder: number;
  isActive: boolean;
  extra?: ReactNode;
}

/**
 * A catalog list (channels, advisory ways, doctors, departments) with add and activate /
 * deactivate. Editing controls disappear after the first 403 (catalogs:manage missing).
 */
export function CatalogTable({ title, load, create, setActive, extraColumn, children }: {
  title: string;
  load: () => Promise<CatalogRow[]>;
  create: (values: { name: string; sort_order?: number } & Record<string, unknown>) => Promise<unknown>;
  setActive: (id: number, active: boolean) => Promise<unknown>;
  extraColumn?: string;
  children?: ReactNode;
}) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const access = useAccess();
  const canManage = !access.isForbidden('catalogs_manage');
  const { data, error, loading, reload } = useRemote(load, []);

  async function attempt(action: () => Promise<unknown>, success: string): Promise<boolean> {
    try {
      await action();
      message.success(success);
      reload();
      return true;
    } catch (cause) {
      if (isForbidden(cause)) access.markForbidden('catalogs_manage');
      message.error(messageOf(cause));
      return false;
    }
  }

  return (
    <PageContainer
      title={title}
      extra={canManage && (
        <ModalForm title={t('catalogs.add')} trigger={<Button type="primary" icon={<PlusOutlined />}>{t('catalogs.add')}</Button>} modalProps={{ destroyOnHidden: true }} width={420}
          onFinish={(values: { name: string; sort_order?: number }) => attempt(() => create(values), t('catalogs.saved'))}>
          <ProFormText name="name" label={t('catalogs.name')} rules={[{ required: true }, { max: 50 }]} />
          <ProFormDigit name="sort_order" label={t('catalogs.sortOrder')} min={0} fieldProps={{ precision: 0 }} />
          {children}
        </ModalForm>
      )}
    >
      {error && <Alert type="error" showIcon message={error} action={<Button onClick={reload}>{t('common:retry')}</Button>} />}
      <Table<CatalogRow> rowKey="id" loading={loading} dataSource={data ?? []} pagination={false} locale={{ emptyText: t('common:empty') }} columns={[
        { title: 'ID', dataIndex: 'id', width: 80 },
        { title: t('catalogs.name'), dataIndex: 'name' },
        ...(extraColumn ? [{ title: extraColumn, dataIndex: 'extra' }] : []),
        { title: t('catalogs.sortOrder'), dataIndex: 'sortOrder', width: 100 },
        {
          title: t('catalogs.active'),
          width: 120,
          render: (_, row) => canManage
            ? <Switch aria-label={t('catalogs.activeOf', { name: row.name })} checked={row.isActive} onChange={(active) => void attempt(() => setActive(Number(row.id), active), t('catalogs.saved'))} />
            : <Tag color={row.isActive ? 'green' : 'default'}>{row.isActive ? t('catalogs.activeYes') : t('catalogs.activeNo')}</Tag>,
        },
      ]} />
    </PageContainer>
  );
}
