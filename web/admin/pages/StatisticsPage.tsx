import { DownloadOutlined } from '@ant-design/icons';
import { PageContainer, ProCard, StatisticCard } from '@ant-design/pro-components';
import { Alert, Button, DatePicker, Select, Space, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { clinicDayEnd, clinicDayStart, clinicNowPicker, DATE_FORMAT } from '../../ui/clinicTime';
import { call, staffClient } from '../api';
import { Chart, funnelOption } from '../Chart';
import { downloadCsv } from '../csv';
import { useRemote } from '../useRemote';

type FunnelQuery = NonNullable<ApiPaths['/back_end/api/v1/statistics/funnel']['get']['parameters']['query']>;
type GroupBy = NonNullable<FunnelQuery['group_by']>;
type Bucket = NonNullable<FunnelQuery['bucket']>;
const GROUPS: GroupBy[] = ['channel', 'disease', 'department', 'doctor', 'consultant', 'advisory_way', 'none'];

const rate = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);

/** 统计报表: the funnel over a period, grouped, as charts and a table that exports to CSV. */
export default function StatisticsPage() {
  const { t } = useTranslation('admin');
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [
    clinicNowPicker().startOf('month'),
    clinicNowPicker().endOf('month'),
  ]);
  const [groupBy, setGroupBy] = useState<GroupBy>('channel');
  const [bucket, setBucket] = useState<Bucket>('month');
  // Whole days of the clinic's calendar, as the server counts them.
  const from = clinicDayStart(range[0].format(DATE_FORMAT));
  const to = clinicDayEnd(range[1].format(DATE_FORMAT));
  const { data, error, loading, reload } = useRemote(
    () =>
      call(() =>
        staffClient.GET('/back_end/api/v1/statistics/funnel', {
          params: { query: { from, to, bucket, group_by: groupBy } },
        }),
      ).then((body) => body.funnel),
    [from, to, bucket, groupBy],
  );

  const figures = ['inquiries', 'appointments', 'arrivals', 'lost'] as const;
  const groups = data?.groups ?? [];
  const label = (groupLabel: string, key: string | null) =>
    key === null && groupBy !== 'none'
      ? t('statistics.unspecified')
      : groupBy === 'none'
        ? t('statistics.all')
        : groupLabel;

  function exportTable() {
    downloadCsv(
      `funnel-${range[0].format('YYYYMMDD')}-${range[1].format('YYYYMMDD')}.csv`,
      [
        t(`statistics.groups.${groupBy}`),
        ...figures.map((f) => t(`figures.${f}`)),
        t('figures.arrivalRate'),
        t('figures.spend'),
      ],
      groups.map((g) => [
        label(g.groupLabel, g.groupKey),
        g.inquiries,
        g.appointments,
        g.arrivals,
        g.lost,
        rate(g.arrivalRate),
        g.spend,
      ]),
    );
  }

  return (
    <PageContainer title={t('menu.funnel')}>
      <Space wrap style={{ marginBottom: 16 }}>
        <DatePicker.RangePicker
          aria-label={t('statistics.period')}
          value={range}
          allowClear={false}
          onChange={(value) => value?.[0] && value[1] && setRange([value[0], value[1]])}
        />
        <Select
          aria-label={t('statistics.bucket')}
          value={bucket}
          onChange={setBucket}
          style={{ width: 110 }}
          options={(['day', 'month', 'year'] as const).map((value) => ({
            value,
            label: t(`statistics.buckets.${value}`),
          }))}
        />
        <Select
          aria-label={t('statistics.groupBy')}
          value={groupBy}
          onChange={setGroupBy}
          style={{ width: 140 }}
          options={GROUPS.map((value) => ({ value, label: t(`statistics.groups.${value}`) }))}
        />
        <Button icon={<DownloadOutlined />} onClick={exportTable} disabled={groups.length === 0}>
          {t('statistics.exportCsv')}
        </Button>
      </Space>
      {error && (
        <Alert type="error" showIcon message={error} action={<Button onClick={reload}>{t('common:retry')}</Button>} />
      )}
      {data && (
        <div data-testid="funnel-totals">
          <StatisticCard.Group direction="row" style={{ marginBottom: 16 }}>
            {figures.map((f) => (
              <StatisticCard key={f} statistic={{ title: t(`figures.${f}`), value: data.totals[f] }} />
            ))}
            <StatisticCard statistic={{ title: t('figures.arrivalRate'), value: rate(data.totals.arrivalRate) }} />
            <StatisticCard statistic={{ title: t('figures.spend'), value: data.totals.spend }} />
          </StatisticCard.Group>
        </div>
      )}
      <ProCard gutter={16} wrap loading={loading && !data}>
        <ProCard colSpan={{ xs: 24, lg: 10 }} title={t('dashboard.funnel')} bordered>
          {data && (
            <Chart
              label={t('dashboard.funnel')}
              option={funnelOption(
                figures.slice(0, 3).map((f) => ({ name: t(`figures.${f}`), value: data.totals[f] })),
              )}
            />
          )}
        </ProCard>
        <ProCard colSpan={{ xs: 24, lg: 14 }} title={t(`statistics.groups.${groupBy}`)} bordered>
          {data && (
            <Chart
              label={t('statistics.byGroup')}
              option={{
                tooltip: { trigger: 'axis' },
                legend: { bottom: 0 },
                grid: { left: 40, right: 20, top: 20, bottom: 60 },
                xAxis: { type: 'category', data: groups.map((g) => label(g.groupLabel, g.groupKey)) },
                yAxis: { type: 'value', minInterval: 1 },
                series: figures
                  .slice(0, 3)
                  .map((f) => ({ type: 'bar', name: t(`figures.${f}`), data: groups.map((g) => g[f]) })),
              }}
            />
          )}
        </ProCard>
      </ProCard>
      <Table
        style={{ marginTop: 16 }}
        rowKey={(g) => g.groupKey ?? 'none'}
        loading={loading}
        dataSource={groups}
        pagination={false}
        locale={{ emptyText: t('statistics.empty') }}
        columns={[
          { title: t(`statistics.groups.${groupBy}`), render: (_, g) => label(g.groupLabel, g.groupKey) },
          ...figures.map((f) => ({ title: t(`figures.${f}`), dataIndex: f })),
          { title: t('figures.arrivalRate'), render: (_, g) => rate(g.arrivalRate) },
          { title: t('figures.spend'), dataIndex: 'spend' },
        ]}
      />
    </PageContainer>
  );
}
