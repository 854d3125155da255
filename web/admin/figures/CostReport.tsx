import { Descriptions, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { call, staffClient } from '../api';
import { LoadError } from '../LoadError';
import { useRemote } from '../useRemote';
import { PeriodPicker, useClinicPeriod, ViewSwitch } from './FigureControls';
import type { View } from './figureLinks';
import { yuan } from './money';

type ReportQuery = NonNullable<ApiPaths['/back_end/api/v1/statistics/costs/report']['get']['parameters']['query']>;
type Report =
  ApiPaths['/back_end/api/v1/statistics/costs/report']['get']['responses'][200]['content']['application/json']['costs'];
type Totals = Report['totals'];
const COSTS = [
  ['costPerInquiry', 'inquiries'],
  ['costPerAppointment', 'appointments'],
  ['costPerArrival', 'arrivals'],
] as const;

/** The cost report: spend against the funnel's counts and revenue for a period, by channel and bucket. */
export function CostReport({ version }: { version: number }) {
  const { t } = useTranslation('admin');
  const { range, setRange, from, to } = useClinicPeriod();
  const [view, setView] = useState<View>('cohort');
  const [bucket, setBucket] = useState<NonNullable<ReportQuery['bucket']>>('none');
  const [groupBy, setGroupBy] = useState<NonNullable<ReportQuery['group_by']>>('channel');
  const report = useRemote(
    () =>
      call(() =>
        staffClient.GET('/back_end/api/v1/statistics/costs/report', {
          params: { query: { from, to, view, bucket, group_by: groupBy } },
        }),
      ).then((body) => body.costs),
    [from, to, view, bucket, groupBy, version],
  );
  const money = (value: string | null) => yuan(value, t('fig.costs.yuan'));
  const data = report.data;
  /** "每到诊成本 600.00 元 = 花费 1,200.00 元 / 到诊 2" */
  const formula = (row: Totals, cost: (typeof COSTS)[number][0], count: (typeof COSTS)[number][1]) =>
    t('fig.costs.formula', {
      name: t(`fig.costs.${cost}`),
      value: money(row[cost]),
      spend: money(row.spend),
      figure: t(`fig.figure.${count}`),
      count: row[count],
    });

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <ViewSwitch view={view} onChange={setView} />
        <PeriodPicker range={range} onChange={setRange} />
        <Select
          aria-label={t('statistics.bucket')}
          value={bucket}
          onChange={setBucket}
          style={{ width: 120 }}
          options={(['none', 'month', 'year'] as const).map((value) => ({
            value,
            label: t(`fig.costs.buckets.${value}`),
          }))}
        />
        <Select
          aria-label={t('statistics.groupBy')}
          value={groupBy}
          onChange={setGroupBy}
          style={{ width: 140 }}
          options={[
            { value: 'channel', label: t('statistics.groups.channel') },
            { value: 'none', label: t('statistics.groups.none') },
          ]}
        />
      </Space>
      <Typography.Text type="secondary">{t(`fig.stats.${view}Hint`)}</Typography.Text>
      {report.error && <LoadError error={report.error} onRetry={report.reload} />}
      {data && (
        <Descriptions
          data-testid="cost-totals"
          bordered
          size="small"
          column={{ xs: 1, md: 2, xl: 3 }}
          title={t('fig.costs.totals', { from: data.firstDate, to: data.lastDate })}
          items={[
            { key: 'spend', label: t('fig.costs.spend'), children: money(data.totals.spend) },
            { key: 'revenue', label: t('fig.costs.revenue'), children: money(data.totals.revenue) },
            {
              key: 'roi',
              label: t('fig.costs.roi'),
              children: t('fig.costs.roiFormula', {
                value: data.totals.roi === null ? '—' : data.totals.roi.toFixed(2),
                revenue: money(data.totals.revenue),
                spend: money(data.totals.spend),
              }),
            },
            ...COSTS.map(([cost, count]) => ({
              key: cost,
              label: t(`fig.costs.${cost}`),
              children: <span data-testid={`cost-${cost}`}>{formula(data.totals, cost, count)}</span>,
            })),
          ]}
        />
      )}
      <Table
        data-testid="cost-rows"
        rowKey={(row) => `${row.bucket ?? ''}-${row.channelId ?? 'none'}`}
        loading={report.loading}
        dataSource={data?.rows ?? []}
        pagination={false}
        scroll={{ x: 1100 }}
        locale={{ emptyText: t('statistics.empty') }}
        columns={[
          ...(bucket === 'none' ? [] : [{ title: t('statistics.bucket'), dataIndex: 'bucket' }]),
          {
            title: t('statistics.groups.channel'),
            render: (_, row) =>
              row.channelId === null && groupBy === 'channel' ? t('fig.costs.noChannel') : row.channelLabel,
          },
          { title: t('fig.costs.spend'), align: 'right', render: (_, row) => money(row.spend) },
          { title: t('fig.figure.inquiries'), dataIndex: 'inquiries', align: 'right' },
          { title: t('fig.figure.appointments'), dataIndex: 'appointments', align: 'right' },
          { title: t('fig.figure.arrivals'), dataIndex: 'arrivals', align: 'right' },
          { title: t('fig.costs.revenue'), align: 'right', render: (_, row) => money(row.revenue) },
          ...COSTS.map(([cost]) => ({
            title: t(`fig.costs.${cost}`),
            align: 'right' as const,
            render: (_: unknown, row: Report['rows'][number]) => money(row[cost]),
          })),
          {
            title: t('fig.costs.roi'),
            align: 'right',
            render: (_, row) => (row.roi === null ? '—' : row.roi.toFixed(2)),
          },
        ]}
      />
    </Space>
  );
}
