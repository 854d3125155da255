import { PageContainer } from '@ant-design/pro-components';
import { Badge, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { ApiPaths } from '../../api/client';
import { LinkButton } from '../../ui/LinkButton';
import { call, staffClient } from '../api';
import { options, useCatalogs } from '../catalogs';
import { LoadError } from '../LoadError';
import { PatientDrawer } from '../patients/PatientDrawer';
import { formatTime, stateLabel } from '../patients/patientFormat';
import { useConsultants } from '../patients/useConsultants';
import { useRemote } from '../useRemote';

type WorklistQuery = NonNullable<ApiPaths['/back_end/api/v1/worklists/follow-ups']['get']['parameters']['query']>;
type Due = NonNullable<WorklistQuery['due']>;
const TABS: Due[] = ['due', 'today', 'overdue', 'upcoming'];
const PAGE_SIZE = 50;

const numberParam = (value: string | null) => (value && /^\d+$/.test(value) ? Number(value) : undefined);

/**
 * 回访工作台: the patients whose follow-up plan is due today, overdue, or coming up, filtered by
 * consultant, channel and state; each row opens the patient. The tab and filters live in the
 * address, so the dashboard's 待回访 opens this list as it counted it.
 */
export default function FollowUpWorklistPage() {
  const { t } = useTranslation('admin');
  const catalogs = useCatalogs();
  const consultants = useConsultants();
  const [params, setParams] = useSearchParams();
  const askedDue = params.get('due') as Due | null;
  const due: Due = askedDue && [...TABS, 'all'].includes(askedDue) ? askedDue : 'due';
  const consultantId = numberParam(params.get('consultant_id'));
  const channelId = numberParam(params.get('media_from_id'));
  const state = numberParam(params.get('state'));
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string>();
  const list = useRemote(
    () =>
      call(() =>
        staffClient.GET('/back_end/api/v1/worklists/follow-ups', {
          params: {
            query: {
              due,
              upcoming_days: 7,
              page,
              page_size: PAGE_SIZE,
              ...(consultantId ? { consultant_id: consultantId } : {}),
              ...(channelId ? { media_from_id: channelId } : {}),
              ...(state !== undefined ? { state: state as 0 | 1 | 2 } : {}),
            },
          },
        }),
      ),
    [due, consultantId, channelId, state, page],
  );
  const data = list.data;
  const change = (key: string, value: string | number | undefined) => {
    const next = new URLSearchParams(params);
    if (value === undefined || value === '') next.delete(key);
    else next.set(key, String(value));
    setPage(1);
    setParams(next, { replace: true });
  };
  const count = (tab: Due) =>
    data ? (tab === 'due' ? data.counts.overdue + data.counts.today : data.counts[tab as 'today']) : 0;

  return (
    <PageContainer
      title={t('menu.follow-up-worklist')}
      subTitle={data ? t('fig.followUps.today', { date: data.today }) : ''}
    >
      <Tabs
        activeKey={due}
        onChange={(key) => change('due', key)}
        items={TABS.map((tab) => ({
          key: tab,
          label: (
            <Space size={6}>
              {t(`fig.followUps.tabs.${tab}`)}
              <Badge count={count(tab)} showZero overflowCount={9999} color={tab === 'overdue' ? 'red' : 'blue'} />
            </Space>
          ),
        }))}
      />
      <Space wrap style={{ marginBottom: 16 }}>
        {consultants.length > 0 && (
          <Select
            aria-label={t('fields.consultant')}
            placeholder={t('fields.consultant')}
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 160 }}
            value={consultantId}
            onChange={(value?: number) => change('consultant_id', value)}
            options={options(consultants)}
          />
        )}
        <Select
          aria-label={t('fields.channel')}
          placeholder={t('fields.channel')}
          allowClear
          style={{ width: 160 }}
          value={channelId}
          onChange={(value?: number) => change('media_from_id', value)}
          options={options(catalogs.channels)}
        />
        <Select
          aria-label={t('fields.state')}
          placeholder={t('fields.state')}
          allowClear
          style={{ width: 120 }}
          value={state}
          onChange={(value?: number) => change('state', value)}
          options={[0, 1, 2].map((value) => ({ value, label: stateLabel(t, value) }))}
        />
        {due === 'upcoming' && data && (
          <Typography.Text type="secondary">
            {t('fig.followUps.upcomingUntil', { date: data.upcomingUntil })}
          </Typography.Text>
        )}
      </Space>
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table
        data-testid="follow-up-worklist"
        rowKey="patientId"
        loading={list.loading}
        dataSource={data?.rows ?? []}
        locale={{ emptyText: t('fig.followUps.empty') }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: data?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
          showTotal: (total) => t('fig.list.total', { count: total }),
        }}
        columns={[
          {
            title: t('fields.name'),
            render: (_, row) => <LinkButton onClick={() => setOpenId(row.patientId)}>{row.patientName}</LinkButton>,
          },
          { title: t('fields.tel'), dataIndex: 'tel' },
          { title: t('fields.state'), render: (_, row) => stateLabel(t, row.state) },
          { title: t('fields.consultant'), dataIndex: 'consultantName' },
          { title: t('fields.channel'), dataIndex: 'mediaFromName' },
          {
            title: t('fig.followUps.planned'),
            render: (_, row) => (
              <Space size={4}>
                {row.nextFollowUpDate}
                {row.due === 'overdue' ? (
                  <Tag color="red">{t('fig.followUps.overdueBy', { count: row.daysOverdue })}</Tag>
                ) : row.due === 'today' ? (
                  <Tag color="blue">{t('fig.followUps.tabs.today')}</Tag>
                ) : (
                  <Tag>{t('fig.followUps.inDays', { count: -row.daysOverdue })}</Tag>
                )}
              </Space>
            ),
          },
          {
            title: t('fig.followUps.lastContact'),
            render: (_, row) =>
              row.lastContactAt
                ? [formatTime(row.lastContactAt), row.lastContactWay, row.lastContactBy].filter(Boolean).join(' · ')
                : '—',
          },
        ]}
      />
      <PatientDrawer
        patientId={openId}
        catalogs={catalogs}
        onClose={() => setOpenId(undefined)}
        onChanged={list.reload}
      />
    </PageContainer>
  );
}
