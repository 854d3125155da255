import { PageContainer } from '@ant-design/pro-components';
import { Alert, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LinkButton } from '../../ui/LinkButton';
import { call, staffClient } from '../api';
import { nameOf, options, useCatalogs } from '../catalogs';
import { LoadError } from '../LoadError';
import { formatTime, stateLabel } from '../patients/patientFormat';
import { useAction } from '../useAction';
import { useRemote } from '../useRemote';

const PAGE_SIZE = 20;

/**
 * 公海: live patients without a consultant (portal self-registrations and, when the return rule
 * is on, consultants' patients left without follow-up). Claiming one makes the caller their
 * consultant; of two people claiming at once one wins and the other is told.
 */
export default function SharedPoolPage() {
  const { t } = useTranslation('admin');
  const catalogs = useCatalogs();
  const [page, setPage] = useState(1);
  const [channelId, setChannelId] = useState<number>();
  const [claiming, setClaiming] = useState<string>();
  const pool = useRemote(
    () =>
      call(() =>
        staffClient.GET('/back_end/api/v1/patient/pool', {
          params: {
            query: { page, page_size: PAGE_SIZE, ...(channelId ? { media_from_id: channelId } : {}) },
          },
        }),
      ),
    [page, channelId],
  );
  // A refused claim (taken meanwhile) reloads too: the list then shows who is still in the pool.
  const attempt = useAction<{ patient: { name: string } }>(() => pool.reload());
  const data = pool.data;

  async function claim(id: string) {
    setClaiming(id);
    try {
      const done = await attempt(
        () =>
          call(() =>
            staffClient.POST('/back_end/api/v1/patient/{id}/claim', { params: { path: { id: Number(id) } }, body: {} }),
          ),
        (result) => t('fig.pool.claimed', { name: result.patient.name }),
      );
      if (!done) pool.reload();
    } finally {
      setClaiming(undefined);
    }
  }

  return (
    <PageContainer title={t('menu.shared-pool')}>
      {data && (
        <Alert
          data-testid="pool-rule"
          style={{ marginBottom: 16 }}
          type={data.returnDays > 0 ? 'info' : 'warning'}
          showIcon
          message={data.returnDays > 0 ? t('fig.pool.ruleOn', { days: data.returnDays }) : t('fig.pool.ruleOff')}
        />
      )}
      <Space style={{ marginBottom: 16 }}>
        <Select
          aria-label={t('fields.channel')}
          placeholder={t('fields.channel')}
          allowClear
          style={{ width: 180 }}
          value={channelId}
          onChange={(value?: number) => {
            setPage(1);
            setChannelId(value);
          }}
          options={options(catalogs.channels)}
        />
        <Typography.Text type="secondary">{t('fig.pool.hint')}</Typography.Text>
      </Space>
      {pool.error && <LoadError error={pool.error} onRetry={pool.reload} />}
      <Table
        data-testid="shared-pool"
        rowKey="id"
        loading={pool.loading}
        dataSource={data?.patients ?? []}
        locale={{ emptyText: t('fig.pool.empty') }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: data?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
          showTotal: (total) => t('fig.list.total', { count: total }),
        }}
        columns={[
          { title: t('fields.name'), dataIndex: 'name' },
          { title: t('fields.tel'), dataIndex: 'tel' },
          { title: t('fields.state'), render: (_, row) => <Tag>{stateLabel(t, row.state)}</Tag> },
          { title: t('fields.channel'), render: (_, row) => nameOf(catalogs.channels, row.mediaFromId) },
          { title: t('fields.addTime'), render: (_, row) => formatTime(row.addTime) },
          {
            title: t('fig.pool.pooledAt'),
            render: (_, row) => (row.pooledAt ? formatTime(row.pooledAt) : t('fig.pool.selfRegistered')),
          },
          { title: t('fig.followUps.lastContact'), render: (_, row) => formatTime(row.lastContactAt) || '—' },
          {
            title: t('common:actions'),
            render: (_, row) => (
              <LinkButton
                loading={claiming === row.id}
                aria-label={t('fig.pool.claimOf', { name: row.name })}
                onClick={() => void claim(row.id)}
              >
                {t('fig.pool.claim')}
              </LinkButton>
            ),
          },
        ]}
      />
    </PageContainer>
  );
}
