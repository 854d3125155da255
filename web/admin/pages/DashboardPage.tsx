import { PageContainer, StatisticCard } from '@ant-design/pro-components';
import { Alert, Button, Card, Col, Row, Skeleton } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { call, messageOf, staffClient } from '../api';
import { Chart, funnelOption } from '../Chart';

type Dashboard =
  ApiPaths['/back_end/api/v1/dashboard']['get']['responses'][200]['content']['application/json']['dashboard'];

export default function DashboardPage() {
  const { t } = useTranslation('admin');
  const [dashboard, setDashboard] = useState<Dashboard>();
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);

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

  if (error)
    return (
      <Alert
        type="error"
        showIcon
        message={error}
        action={<Button onClick={() => setAttempt((n) => n + 1)}>{t('common:retry')}</Button>}
      />
    );
  if (!dashboard) return <Skeleton active />;

  const period = (key: 'today' | 'month') => (
    <div data-testid={`dashboard-${key}`}>
      <StatisticCard.Group direction="row" title={t(`dashboard.${key}`)}>
        <StatisticCard statistic={{ title: t('figures.inquiries'), value: dashboard[key].inquiries }} />
        <StatisticCard statistic={{ title: t('figures.appointments'), value: dashboard[key].appointments }} />
        <StatisticCard statistic={{ title: t('figures.arrivals'), value: dashboard[key].arrivals }} />
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
            <StatisticCard statistic={{ title: t('dashboard.expectedTotal'), value: dashboard.expectedToday.total }} />
            <StatisticCard
              statistic={{ title: t('dashboard.expectedPending'), value: dashboard.expectedToday.pending }}
            />
            <StatisticCard statistic={{ title: t('dashboard.followUpsDue'), value: dashboard.followUpsDue }} />
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
    </PageContainer>
  );
}
