import { LeftOutlined, ReloadOutlined, RightOutlined } from '@ant-design/icons';
import { PageContainer, StatisticCard } from '@ant-design/pro-components';
import { Button, DatePicker, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { ApiPaths } from '../../api/client';
import { formatClinicTime } from '../../ui/clinicTime';
import { LinkButton } from '../../ui/LinkButton';
import { call, staffClient } from '../api';
import { AppointmentActions } from '../booking/AppointmentActions';
import { DATE_FORMAT, periodLabel } from '../booking/bookingFormat';
import { useCatalogs } from '../catalogs';
import { LoadError } from '../LoadError';
import { PatientDrawer } from '../patients/PatientDrawer';
import { formatTime } from '../patients/patientFormat';
import { useRemote } from '../useRemote';
import { WalkInCheckIn } from '../worklists/WalkInCheckIn';

type FrontDesk =
  ApiPaths['/back_end/api/v1/worklists/front-desk']['get']['responses'][200]['content']['application/json'];
type Row = FrontDesk['appointments'][number];
const PAGE_SIZE = 100;
const STATE_COLOR: Record<Row['state'], string> = {
  waiting: 'processing',
  late: 'red',
  arrived: 'success',
  missed: 'warning',
};
const clock = (unix: string | null) => (unix ? formatClinicTime(Number(unix), 'HH:mm') : '');

/**
 * 前台工作台: one day across every doctor: who is expected by time (late ones highlighted),
 * who walked in, who has arrived; arrival, 爽约 and cancellation in place. The date lives in the
 * address (?date=), and the day moves one at a time, so nothing is skipped.
 */
export default function FrontDeskPage() {
  const { t } = useTranslation('admin');
  const catalogs = useCatalogs();
  const [params, setParams] = useSearchParams();
  const asked = params.get('date');
  const date = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : undefined;
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string>();
  const desk = useRemote(
    () =>
      call(() =>
        staffClient.GET('/back_end/api/v1/worklists/front-desk', {
          params: { query: { ...(date ? { date } : {}), page, page_size: PAGE_SIZE } },
        }),
      ),
    [date, page],
  );
  const data = desk.data;
  const show = (next: string) => {
    setPage(1);
    setParams({ date: next }, { replace: true });
  };
  const patientLink = (row: { patientId: string; patientName: string }) => (
    <LinkButton onClick={() => setOpenId(row.patientId)}>{row.patientName}</LinkButton>
  );
  const summary = data?.summary;

  return (
    <PageContainer title={t('menu.front-desk')} subTitle={t('fig.desk.subtitle')}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Button
          icon={<LeftOutlined />}
          aria-label={t('dayList.previousDay')}
          disabled={!data}
          onClick={() => data && show(data.previousDate)}
        />
        <DatePicker
          aria-label={t('appointments.date')}
          value={data ? dayjs(data.date) : date ? dayjs(date) : undefined}
          allowClear={false}
          onChange={(value) => value && show(value.format(DATE_FORMAT))}
        />
        <Button
          icon={<RightOutlined />}
          aria-label={t('dayList.nextDay')}
          disabled={!data}
          onClick={() => data && show(data.nextDate)}
        />
        <Button onClick={() => data && show(data.today)} disabled={!data || data.date === data.today}>
          {t('dayList.today')}
        </Button>
        <Button icon={<ReloadOutlined />} aria-label={t('fig.desk.reload')} onClick={desk.reload} />
        <WalkInCheckIn catalogs={catalogs} onDone={desk.reload} />
      </Space>
      {desk.error && <LoadError error={desk.error} onRetry={desk.reload} />}
      {summary && (
        <div data-testid="desk-summary" style={{ marginBottom: 16 }}>
          <StatisticCard.Group direction="row">
            {(['expected', 'waiting', 'late', 'arrived', 'missed', 'walkIns'] as const).map((key) => (
              <StatisticCard
                key={key}
                statistic={{
                  title: t(`fig.desk.summary.${key}`),
                  value: summary[key],
                  valueStyle: key === 'late' && summary.late > 0 ? { color: '#cf1322' } : undefined,
                }}
              />
            ))}
          </StatisticCard.Group>
          <Typography.Text type="secondary">
            {t('fig.desk.lateRule', { minutes: data.lateAfterMinutes, cancelled: summary.cancelled })}
          </Typography.Text>
        </div>
      )}
      <Typography.Title level={5}>{t('fig.desk.expectedTitle')}</Typography.Title>
      <Table
        data-testid="desk-appointments"
        rowKey="appointmentId"
        size="middle"
        loading={desk.loading}
        dataSource={data?.appointments ?? []}
        onRow={(row) => (row.state === 'late' ? { style: { background: '#fff1f0' } } : {})}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: data?.total ?? 0,
          showSizeChanger: false,
          hideOnSinglePage: true,
          onChange: setPage,
        }}
        locale={{ emptyText: t('fig.desk.noneExpected') }}
        columns={[
          {
            title: t('fig.desk.time'),
            width: 120,
            render: (_, row) => `${periodLabel(t, row.period)} ${clock(row.startTime)}`,
          },
          { title: t('fields.name'), render: (_, row) => patientLink(row) },
          { title: t('fields.tel'), dataIndex: 'tel' },
          { title: t('fields.doctor'), dataIndex: 'doctorName' },
          { title: t('fields.department'), dataIndex: 'departmentName' },
          { title: t('fields.consultant'), dataIndex: 'consultantName' },
          {
            title: t('fig.desk.state'),
            render: (_, row) => (
              <Space direction="vertical" size={0}>
                <Tag color={STATE_COLOR[row.state]}>
                  {row.state === 'late'
                    ? t('fig.desk.lateBy', { minutes: row.lateMinutes })
                    : t(`fig.desk.states.${row.state}`)}
                </Tag>
                {row.arrivedAt && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('fig.desk.arrivedAt', { time: clock(row.arrivedAt) })}
                  </Typography.Text>
                )}
                {row.seenAt && (
                  <Typography.Text type="success" style={{ fontSize: 12 }}>
                    {t('fig.desk.seenAt', { time: clock(row.seenAt) })}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('common:actions'),
            render: (_, row) =>
              row.actions.length > 0 && data ? (
                <AppointmentActions
                  appointment={{
                    id: row.appointmentId,
                    status: row.state === 'waiting' || row.state === 'late' ? 'booked' : row.state,
                    patientName: row.patientName,
                    date: data.date,
                    startTime: row.startTime,
                  }}
                  today={data.today}
                  onDone={desk.reload}
                />
              ) : null,
          },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('fig.desk.walkInsTitle', { count: data?.walkInsTotal ?? 0 })}
      </Typography.Title>
      <Table
        data-testid="desk-walk-ins"
        rowKey="visitId"
        size="middle"
        loading={desk.loading}
        dataSource={data?.walkIns ?? []}
        pagination={false}
        locale={{ emptyText: t('fig.desk.noWalkIns') }}
        columns={[
          { title: t('fig.desk.arrivedTime'), render: (_, row) => formatTime(row.arrivedAt) },
          { title: t('fields.name'), render: (_, row) => patientLink(row) },
          { title: t('fields.tel'), dataIndex: 'tel' },
          { title: t('fields.doctor'), dataIndex: 'doctorName' },
          { title: t('fields.consultant'), dataIndex: 'consultantName' },
          { title: t('fields.visitType'), render: (_, row) => t(`visits.${row.visitType}`) },
        ]}
      />
      <PatientDrawer
        patientId={openId}
        catalogs={catalogs}
        onClose={() => setOpenId(undefined)}
        onChanged={desk.reload}
      />
    </PageContainer>
  );
}
