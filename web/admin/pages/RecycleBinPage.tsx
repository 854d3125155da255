import { type ActionType, PageContainer, ProTable } from '@ant-design/pro-components';
import { App, Popconfirm, Space } from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LinkButton } from '../../ui/LinkButton';
import { useAccess } from '../access';
import { useTableOptionsRender } from '../accessibleChrome';
import { call, messageOf, staffClient } from '../api';
import { formatTime } from '../patients/patientFormat';
import { useAction } from '../useAction';

/** 回收站: deleted patients, restored or deleted for good (after a confirmation). */
export default function RecycleBinPage() {
  const { t } = useTranslation('admin');
  const tableOptionsRender = useTableOptionsRender();
  const { message } = App.useApp();
  const actionRef = useRef<ActionType>(undefined);
  const canManage = useAccess().can('patients:recycle_bin');

  const attempt = useAction(() => actionRef.current?.reload());

  return (
    <PageContainer title={t('menu.recycle-bin')}>
      <ProTable
        optionsRender={tableOptionsRender}
        rowKey="id"
        actionRef={actionRef}
        search={false}
        request={async (params) => {
          try {
            const body = await call(() =>
              staffClient.GET('/back_end/api/v1/patient/recycle-bin', {
                params: { query: { page: params.current ?? 1, page_size: params.pageSize ?? 20 } },
              }),
            );
            return { data: body.patients, total: body.total, success: true };
          } catch (cause) {
            message.error(messageOf(cause));
            return { data: [], total: 0, success: false };
          }
        }}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 70 },
          { title: t('fields.name'), dataIndex: 'name' },
          { title: t('fields.tel'), dataIndex: 'tel' },
          { title: t('recycle.deletedAt'), render: (_, row) => formatTime(row.deletedAt) },
          { title: t('recycle.deletedBy'), dataIndex: 'deletedByName' },
          ...(canManage
            ? [
                {
                  title: t('common:actions'),
                  valueType: 'option' as const,
                  render: (_: unknown, row: { id: string; name: string }) => (
                    <Space>
                      <LinkButton
                        onClick={() =>
                          void attempt(
                            () =>
                              call(() =>
                                staffClient.POST('/back_end/api/v1/patient/{id}/restore', {
                                  params: { path: { id: Number(row.id) } },
                                  body: {},
                                }),
                              ),
                            t('recycle.restored'),
                          )
                        }
                      >
                        {t('recycle.restore')}
                      </LinkButton>
                      <Popconfirm
                        title={t('recycle.purgeConfirm', { name: row.name })}
                        onConfirm={() =>
                          attempt(
                            () =>
                              call(() =>
                                staffClient.DELETE('/back_end/api/v1/patient/{id}/purge', {
                                  params: { path: { id: Number(row.id) } },
                                  body: {},
                                }),
                              ),
                            t('recycle.purged'),
                          )
                        }
                      >
                        <LinkButton danger>{t('recycle.purge')}</LinkButton>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
    </PageContainer>
  );
}
