import { DownloadOutlined } from '@ant-design/icons';
import { PageContainer, ProCard } from '@ant-design/pro-components';
import { Button, Card, Col, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { LinkButton } from '../../ui/LinkButton';
import { call, staffClient } from '../api';
import { Chart, funnelOption } from '../Chart';
import { downloadCsv } from '../csv';
import { PeriodPicker, useClinicPeriod, ViewSwitch } from '../figures/FigureControls';
import { type Figure, figureQuery, type GroupBy, groupQuery, percent, type View } from '../figures/figureLinks';
import { LoadError } from '../LoadError';
import { PatientListDrawer, type PatientListLink } from '../patients/PatientListDrawer';
import { useRemote } from '../useRemote';

type FunnelQuery = NonNullable<ApiPaths['/back_end/api/v1/statistics/funnel']['get']['parameters']['query']>;
type Funnel =
  ApiPaths['/back_end/api/v1/statistics/funnel']['get']['responses'][200]['content']['application/json']['funnel'];
type Figures = Funnel['totals'];
type Bucket = NonNullable<FunnelQuery['bucket']>;
const GROUPS: GroupBy[] = ['channel', 'disease', 'department', 'doctor', 'consultant', 'advisory_way', 'none'];

/**
 * 统计报表: the funnel over a period in one of two views (cohort: of the patients registered
 * in the period; activity: what happened in it), grouped, as charts and a table that exports
 * to CSV. Every rate says what it divides by; every count opens the patients it counts.
 */
export default function StatisticsPage() {
  const { t } = useTranslation('admin');
  const { range, setRange, from, to } = useClinicPeriod();
  const [view, setView] = useState<View>('cohort');
  const [groupBy, setGroupBy] = useState<GroupBy>('channel');
  const [bucket, setBucket] = useState<Bucket>('month');
  const [listLink, setListLink] = useState<PatientListLink>();
  const { data, error, loading, reload } = useRemote(
    () =>
      call(() =>
        staffClient.GET('/back_end/api/v1/statistics/funnel', {
          params: { query: { from, to, bucket, group_by: groupBy, view } },
        }),
      ).then((body) => body.funnel),
    [from, to, bucket, groupBy, view],
  );

  const figures: Figure[] =
    view === 'cohort'
      ? ['inquiries', 'appointments', 'arrivals', 'bookedArrivals', 'lost']
      : ['inquiries', 'appointments', 'arrivals', 'lost'];
  const groups = data?.groups ?? [];
  const label = (groupLabel: string, key: string | null) =>
    key === null && groupBy !== 'none'
      ? t('statistics.unspecified')
      : groupBy === 'none'
        ? t('statistics.all')
        : groupLabel;
  const figureName = (figure: string) => t(`fig.figure.${figure}`);
  /** Headings keep the back office's names (咨询量, 到诊量); formulas use the short ones. */
  const figureTitle = (figure: Figure) => (figure === 'bookedArrivals' ? figureName(figure) : t(`figures.${figure}`));
  /** "到诊率 40.0% = 预约且到诊 2 / 预约 5": the rate with what it divides by. */
  const rateText = (row: Figures, rate: Figures['rates'][number]) =>
    t('fig.stats.rateFormula', {
      rate: t(`fig.rate.${rate.name}`),
      value: percent(rate.value),
      numerator: figureName(rate.numerator),
      numeratorCount: row[rate.numerator as Figure] ?? 0,
      denominator: figureName(rate.denominator),
      denominatorCount: row[rate.denominator as Figure] ?? 0,
    });

  function openList(figure: Figure, group?: { label: string; query: Record<string, string | number> }) {
    const query = figureQuery(view, figure, from, to);
    if (!query) return;
    const period = `${range[0].format('YYYY-MM-DD')} ~ ${range[1].format('YYYY-MM-DD')}`;
    setListLink({
      title: t('fig.stats.listTitle', {
        figure: figureName(figure),
        period,
        group: group?.label ?? t('statistics.all'),
      }),
      query: { ...query, ...group?.query },
    });
  }

  /** A count that opens its patients (when the list can select them). */
  const countLink = (figure: Figure, value: number | null, group?: { label: string; key: string | null }) => {
    const extra = group ? groupQuery(groupBy, group.key) : {};
    if (value === null || extra === undefined || !figureQuery(view, figure, from, to)) return value ?? '—';
    return (
      <LinkButton
        aria-label={t('fig.stats.openList', { figure: figureName(figure), group: group?.label ?? t('statistics.all') })}
        onClick={() => openList(figure, group ? { label: group.label, query: extra } : undefined)}
      >
        {value}
      </LinkButton>
    );
  };

  function exportTable() {
    const rateNames = groups[0]?.rates.map((r) => r.name) ?? [];
    downloadCsv(
      `funnel-${view}-${range[0].format('YYYYMMDD')}-${range[1].format('YYYYMMDD')}.csv`,
      [
        t(`statistics.groups.${groupBy}`),
        ...figures.map(figureTitle),
        ...rateNames.map((name) => t(`fig.rate.${name}`)),
        t('figures.spend'),
      ],
      groups.map((g) => [
        label(g.groupLabel, g.groupKey),
        ...figures.map((f) => g[f] ?? ''),
        ...g.rates.map((r) => percent(r.value)),
        g.spend,
      ]),
    );
  }

  return (
    <PageContainer title={t('menu.funnel')}>
      <Space direction="vertical" style={{ width: '100%', marginBottom: 16 }}>
        <Space wrap>
          <ViewSwitch view={view} onChange={setView} />
          <PeriodPicker range={range} onChange={setRange} />
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
        <Typography.Text type="secondary" data-testid="view-explanation">
          {t(`fig.stats.${view}Hint`)}
        </Typography.Text>
      </Space>
      {error && <LoadError error={error} onRetry={reload} />}
      {data && (
        <div data-testid="funnel-totals" style={{ marginBottom: 16 }}>
          <Row gutter={[12, 12]}>
            {figures.map((f) => (
              <Col key={f} xs={12} md={8} lg={4}>
                <Card size="small" data-testid={`total-${f}`} title={figureTitle(f)}>
                  <Statistic value={data.totals[f] ?? 0} formatter={() => countLink(f, data.totals[f])} />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`fig.meaning.${view}.${f}`)}
                  </Typography.Text>
                </Card>
              </Col>
            ))}
            <Col xs={12} md={8} lg={4}>
              <Card size="small" title={t('figures.spend')}>
                <Statistic value={data.totals.spend} />
              </Card>
            </Col>
          </Row>
          <ul data-testid="funnel-rates" style={{ margin: '12px 0 0', paddingInlineStart: 20 }}>
            {data.totals.rates.map((rate) => (
              <li key={rate.name}>{rateText(data.totals, rate)}</li>
            ))}
          </ul>
          {view === 'activity' && <Typography.Text type="secondary">{t('fig.stats.activityRateNote')}</Typography.Text>}
        </div>
      )}
      <ProCard gutter={16} wrap loading={loading && !data}>
        <ProCard colSpan={{ xs: 24, lg: 10 }} title={t('dashboard.funnel')} bordered>
          {data && (
            <Chart
              label={t('dashboard.funnel')}
              option={funnelOption(
                (['inquiries', 'appointments', 'arrivals'] as const).map((f) => ({
                  name: figureTitle(f),
                  value: data.totals[f],
                })),
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
                series: (['inquiries', 'appointments', 'arrivals'] as const).map((f) => ({
                  type: 'bar',
                  name: figureTitle(f),
                  data: groups.map((g) => g[f]),
                })),
              }}
            />
          )}
        </ProCard>
      </ProCard>
      <Table
        data-testid="funnel-groups"
        style={{ marginTop: 16 }}
        rowKey={(g) => g.groupKey ?? 'none'}
        loading={loading}
        dataSource={groups}
        pagination={false}
        locale={{ emptyText: t('statistics.empty') }}
        columns={[
          { title: t(`statistics.groups.${groupBy}`), render: (_, g) => label(g.groupLabel, g.groupKey) },
          ...figures.map((f) => ({
            title: figureTitle(f),
            render: (_: unknown, g: (typeof groups)[number]) =>
              countLink(f, g[f], { label: label(g.groupLabel, g.groupKey), key: g.groupKey }),
          })),
          {
            title: t('fig.stats.rates'),
            render: (_, g) => (
              <Space direction="vertical" size={0}>
                {g.rates.map((rate) => (
                  <span key={rate.name}>{rateText(g, rate)}</span>
                ))}
              </Space>
            ),
          },
          { title: t('figures.spend'), dataIndex: 'spend' },
        ]}
      />
      <PatientListDrawer link={listLink} onClose={() => setListLink(undefined)} />
    </PageContainer>
  );
}
