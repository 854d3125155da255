import { PageContainer, StatisticCard } from '@ant-design/pro-components';
import { Card, Col, Row, Skeleton } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { ApiPaths } from '../../api/client';
import { LinkButton } from '../../ui/LinkButton';
import { useAccess } from '../access';
import { call, messageOf, staffClient } from '../api';
import { Chart, funnelOption } from '../Chart';
import { LoadError } from '../LoadError';
import { PatientListDrawer, type PatientListLink } from '../patients/PatientListDrawer';

type Dashboard =
  ApiPaths['/back_end/api/v1/dashboard']['get']['responses'][200]['content']['application/json']['dashboard'];
type ListLink = Dashboard['lists']['followUpsDue'];

export default function DashboardPage() {
  const { t } = useTranslation('admin');
  const [dashboard, setDashboard] = useState<Dashboard>();
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [listLink, setListLink] = useState<PatientListLink>();
  const navigate = useNavigate();
  const access = useAccess();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the reload trigger (retry after an error), read by no line of the effect
  useEffect(() => {
    let active = true;
    setError(undefined);
    call(() => staffClient.GET('/back_end/api/v1/dashboard', {}))
      .then((body) => active && setDashboard(body.dashboard))
      .catch((cause: unknown) => active && setError(messageOf(cause)));
    return () => {
      active = false;
    };
  }, [attempt]);

  if (error) return <LoadError error={error} onRetry={() => setAttempt((n) => n + 1)} />;
  if (!dashboard) return <Skeleton active />;
  const { lists } = dashboard;

  /** A card's count as a link to the patients it counts (the API's `lists`: same caller, same scope). */
  const linked = (value: number, link: ListLink, title: string) => {
    const open = () => {
      if (link.path === 'worklists/follow-ups') {
        if (access.hasMenu('follow-up-worklist'))
          void navigate(`/admin/follow-up-worklist?${new URLSearchParams(link.query).toString()}`);
      } else setListLink({ title, query: link.query });
    };
    return (
      <LinkButton aria-label={t('fig.dashboard.open', { title })} onClick={open} style={{ fontSize: 'inherit' }}>
        {value}
      </LinkButton>
    );
  };

  const period = (key: 'today' | 'month') => (
    <div data-testid={`dashboard-${key}`}>
      <StatisticCard.Group direction="row" title={t(`dashboard.${key}`)}>
        {(['inquiries', 'appointments', 'arrivals'] as const).map((figure) => (
          <StatisticCard
            key={figure}
            statistic={{
              title: t(`figures.${figure}`),
              value: dashboard[key][figure],
              formatter: () =>
                linked(
                  dashboard[key][figure],
                  lists[key][figure],
                  `${t(`dashboard.${key}`)} · ${t(`figures.${figure}`)}`,
                ),
            }}
          />
        ))}
      </StatisticCard.Group>
    </div>
  );

  return (
    <PageContainer
      title={t('menu.dashboard')}
      subTitle={`${dashboard.date} · ${dashboard.scope === 'own' ? t('dashboard.scopeOwn') : t('dashboard.scopeAll')}`}
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          {period('today')}
        </Col>
        <Col xs={24} lg={12}>
          {period('month')}
        </Col>
        <Col xs={24} lg={12}>
          <StatisticCard.Group direction="row" title={t('dashboard.expectedToday')}>
            <StatisticCard
              statistic={{
                title: t('dashboard.expectedTotal'),
                value: dashboard.expectedToday.total,
                formatter: () =>
                  linked(dashboard.expectedToday.total, lists.expectedToday.total, t('dashboard.expectedTotal')),
              }}
            />
            <StatisticCard
              statistic={{
                title: t('dashboard.expectedPending'),
                value: dashboard.expectedToday.pending,
                formatter: () =>
                  linked(dashboard.expectedToday.pending, lists.expectedToday.pending, t('dashboard.expectedPending')),
              }}
            />
            <StatisticCard
              data-testid="dashboard-follow-ups-due"
              statistic={{
                title: t('dashboard.followUpsDue'),
                value: dashboard.followUpsDue,
                formatter: () => linked(dashboard.followUpsDue, lists.followUpsDue, t('dashboard.followUpsDue')),
              }}
            />
          </StatisticCard.Group>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.funnel')}>
            <Chart
              label={t('dashboard.funnel')}
              height={260}
              option={funnelOption([
                { name: t('figures.inquiries'), value: dashboard.month.inquiries },
                { name: t('figures.appointments'), value: dashboard.month.appointments },
                { name: t('figures.arrivals'), value: dashboard.month.arrivals },
              ])}
            />
          </Card>
        </Col>
      </Row>
      <PatientListDrawer link={listLink} onClose={() => setListLink(undefined)} />
    </PageContainer>
  );
}
