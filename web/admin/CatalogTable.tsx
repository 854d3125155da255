import { PlusOutlined } from '@ant-design/icons';
import { ModalForm, PageContainer, ProFormDigit, ProFormText } from '@ant-design/pro-components';
import { Button, Popconfirm, Space, Switch, Table, Tag, Tooltip } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LinkButton } from '../ui/LinkButton';
import { useAccess } from './access';
import { LoadError } from './LoadError';
import { useAction } from './useAction';
import { useRemote } from './useRemote';

export interface CatalogRow {
  id: string;
  name: string;
  sortOrder: number;
  isActive: boolean;
  extra?: ReactNode;
  /** Extra fields of the edit form (a doctor's department and title). */
  formValues?: Record<string, unknown>;
  /** A system entry (the portal's self-registration channel): neither renamed nor deleted. */
  fixed?: boolean;
}

export type CatalogValues = { name: string; sort_order?: number } & Record<string, unknown>;

/** Catalog names are at most 32 characters on the server (advisory ways 20: patients store them by name). */
const CATALOG_NAME_MAX = 32;

/**
 * A catalog list (channels, advisory ways, doctors, departments) with add, edit, delete and
 * activate / deactivate. The editing controls are shown only to roles holding catalogs:manage.
 */
export function CatalogTable<R extends CatalogRow>({
  title,
  load,
  create,
  update,
  remove,
  setActive,
  extraColumn,
  renderExtra,
  nameMax = CATALOG_NAME_MAX,
  children,
}: {
  title: string;
  load: () => Promise<R[]>;
  create: (values: CatalogValues) => Promise<unknown>;
  update: (id: number, values: CatalogValues) => Promise<unknown>;
  remove: (id: number) => Promise<unknown>;
  setActive: (id: number, active: boolean) => Promise<unknown>;
  extraColumn?: string;
  /** Renders the extra column instead of row.extra; reload() refreshes the list after a change made there. */
  renderExtra?: (row: R, reload: () => void) => ReactNode;
  nameMax?: number;
  /** Extra form fields, in both the add and the edit form. */
  children?: ReactNode;
}) {
  const { t } = useTranslation('admin');
  const canManage = useAccess().can('catalogs:manage');
  const { data, error, loading, reload } = useRemote(load, []);

  const attempt = useAction(() => reload());

  const fields = (
    <>
      <ProFormText name="name" label={t('catalogs.name')} rules={[{ required: true }, { max: nameMax }]} />
      <ProFormDigit name="sort_order" label={t('catalogs.sortOrder')} min={0} fieldProps={{ precision: 0 }} />
      {children}
    </>
  );

  const manageColumns = canManage
    ? [
        {
          title: t('common:actions'),
          width: 140,
          render: (_: unknown, row: R) =>
            row.fixed ? (
              <Tooltip title={t('catalogEdit.systemEntry')}>
                <Tag>{t('catalogEdit.system')}</Tag>
              </Tooltip>
            ) : (
              <Space>
                <ModalForm<CatalogValues>
                  title={t('catalogEdit.editTitle', { name: row.name })}
                  trigger={<LinkButton>{t('catalogEdit.edit')}</LinkButton>}
                  modalProps={{ destroyOnHidden: true }}
                  width={420}
                  initialValues={{ name: row.name, sort_order: row.sortOrder, ...row.formValues }}
                  onFinish={(values) => attempt(() => update(Number(row.id), values), t('catalogs.saved'))}
                >
                  {fields}
                </ModalForm>
                <Popconfirm
                  title={t('catalogEdit.deleteConfirm', { name: row.name })}
                  onConfirm={() => attempt(() => remove(Number(row.id)), t('catalogEdit.deleted'))}
                >
                  <LinkButton danger>{t('catalogEdit.delete')}</LinkButton>
                </Popconfirm>
              </Space>
            ),
        },
      ]
    : [];

  return (
    <PageContainer
      title={title}
      extra={
        canManage && (
          <ModalForm<CatalogValues>
            title={t('catalogs.add')}
            trigger={
              <Button type="primary" icon={<PlusOutlined />}>
                {t('catalogs.add')}
              </Button>
            }
            modalProps={{ destroyOnHidden: true }}
            width={420}
            onFinish={(values) => attempt(() => create(values), t('catalogs.saved'))}
          >
            {fields}
          </ModalForm>
        )
      }
    >
      {error && <LoadError error={error} onRetry={reload} />}
      <Table<R>
        rowKey="id"
        loading={loading}
        dataSource={data ?? []}
        pagination={false}
        locale={{ emptyText: t('common:empty') }}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 80 },
          { title: t('catalogs.name'), dataIndex: 'name' },
          ...(extraColumn
            ? [
                {
                  title: extraColumn,
                  render: (_: unknown, row: R) => (renderExtra ? renderExtra(row, reload) : row.extra),
                },
              ]
            : []),
          { title: t('catalogs.sortOrder'), dataIndex: 'sortOrder', width: 100 },
          {
            title: t('catalogs.active'),
            width: 120,
            render: (_, row) =>
              canManage ? (
                <Switch
                  aria-label={t('catalogs.activeOf', { name: row.name })}
                  checked={row.isActive}
                  onChange={(active) => void attempt(() => setActive(Number(row.id), active), t('catalogs.saved'))}
                />
              ) : (
                <Tag color={row.isActive ? 'green' : 'default'}>
                  {row.isActive ? t('catalogs.activeYes') : t('catalogs.activeNo')}
                </Tag>
              ),
          },
          ...manageColumns,
        ]}
      />
    </PageContainer>
  );
}
