import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { PageContainer, ProCard } from '@ant-design/pro-components';
import { Button, DatePicker, Descriptions, Empty, Skeleton, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, staffClient } from '../api';
import { addDaysText, DATE_FORMAT, periodLabel, todayText, weekdayLabel } from '../booking/bookingFormat';
import { LoadError } from '../LoadError';
import { useAction } from '../useAction';
import { useRemote } from '../useRemote';

const STATE_COLOR = { booked: 'processing', arrived: 'success', seen: 'default', missed: 'warning' } as const;

type Day = Awaited<ReturnType<typeof loadDay>>;
type Row = Day['sessions'][number]['appointments'][number];

const loadDay = (date: string) =>
  call(() => staffClient.GET('/back_end/api/v1/doctor/day', { params: { query: { date } } }));

/**
 * 医生工作台: the linked doctor's day by session (上午 / 下午), each patient with what the doctor
 * needs before the visit, the arrive and seen actions; and the doctor's own schedule, read-only.
 */
export default function DoctorDeskPage() {
  const { t } = useTranslation('admin');
  const [date, setDate] = useState(todayText());
  const day = useRemote(() => loadDay(date), [date]);
  const schedule = useRemote(() => call(() => staffClient.GET('/back_end/api/v1/doctor/schedule', {})), []);
  const run = useAction(() => day.reload());
  const data = day.data && day.data.date === date ? day.data : undefined;

  const act = (row: Row, action: 'arrive' | 'seen') =>
    run(
      () =>
        call(() =>
          staffClient.POST(`/back_end/api/v1/doctor/appointment/{id}/${action}`, {
            params: { path: { id: Number(row.id) } },
            body: {},
          }),
        ),
      t(action === 'arrive' ? 'doctorDesk.arrived' : 'doctorDesk.markedSeen', { name: row.patient.name }),
    );

  const timeText = (seconds: string | null) => (seconds ? dayjs.unix(Number(seconds)).format(DATE_FORMAT) : '');

  return (
    <PageContainer title={t('menu.doctor-desk')}>
      <Space style={{ marginBottom: 16 }} wrap>
        <Button
          icon={<LeftOutlined />}
          aria-label={t('doctorDesk.previousDay')}
          onClick={() => setDate(addDaysText(date, -1))}
        />
        <DatePicker
          aria-label={t('doctorDesk.date')}
          value={dayjs(date)}
          allowClear={false}
          onChange={(value) => value && setDate(value.format(DATE_FORMAT))}
        />
        <Button
          icon={<RightOutlined />}
          aria-label={t('doctorDesk.nextDay')}
          onClick={() => setDate(addDaysText(date, 1))}
        />
        <Button onClick={() => setDate(todayText())} disabled={date === todayText()}>
          {t('doctorDesk.today')}
        </Button>
        {data && (
          <Typography.Text type="secondary">
            {data.doctor.name}
            {data.doctor.departmentName ? ` · ${data.doctor.departmentName}` : ''}
          </Typography.Text>
        )}
      </Space>
      {day.error && <LoadError error={day.error} onRetry={day.reload} />}
      {!data && !day.error && <Skeleton active />}
      {data?.sessions.map((session) => (
        <ProCard
          key={session.period}
          bordered
          style={{ marginBottom: 16 }}
          title={`${periodLabel(t, session.period)}（${session.appointments.length}）`}
        >
          <Table<Row>
            data-testid={`doctor-session-${session.period}`}
            rowKey="id"
            size="small"
            dataSource={session.appointments}
            pagination={false}
            loading={day.loading}
            locale={{ emptyText: t('doctorDesk.empty') }}
            columns={[
              {
                title: t('doctorDesk.patient'),
                render: (_, row) => <Typography.Text strong>{row.patient.name}</Typography.Text>,
              },
              {
                title: t('doctorDesk.sexAge'),
                render: (_, row) =>
                  [
                    row.patient.sex === null ? '' : t(`doctorDesk.sex.${row.patient.sex}`),
                    row.patient.age === null ? '' : t('doctorDesk.age', { age: row.patient.age }),
                  ]
                    .filter(Boolean)
                    .join(' / '),
              },
              { title: t('doctorDesk.reason'), render: (_, row) => row.patient.reason ?? '' },
              { title: t('doctorDesk.notes'), render: (_, row) => row.patient.notes ?? '' },
              {
                title: t('doctorDesk.history'),
                render: (_, row) =>
                  row.patient.medicalHistory ? (
                    <Typography.Text type="danger">{row.patient.medicalHistory}</Typography.Text>
                  ) : (
                    ''
                  ),
              },
              {
                title: t('doctorDesk.visits'),
                render: (_, row) => (
                  <Space direction="vertical" size={0}>
                    {t('doctorDesk.visitsValue', { count: row.patient.previousVisits })}
                    {row.patient.lastVisitTime && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('doctorDesk.lastVisit', { date: timeText(row.patient.lastVisitTime) })}
                      </Typography.Text>
                    )}
                  </Space>
                ),
              },
              {
                title: t('doctorDesk.state'),
                render: (_, row) => <Tag color={STATE_COLOR[row.state]}>{t(`doctorDesk.states.${row.state}`)}</Tag>,
              },
              {
                title: t('common:actions'),
                render: (_, row) => (
                  <Space>
                    {row.actions.includes('arrive') && (
                      <Button size="small" type="primary" onClick={() => act(row, 'arrive')}>
                        {t('doctorDesk.arrive')}
                      </Button>
                    )}
                    {row.actions.includes('seen') && (
                      <Button size="small" onClick={() => act(row, 'seen')}>
                        {t('doctorDesk.seen')}
                      </Button>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        </ProCard>
      ))}
      <ProCard bordered title={t('doctorDesk.schedule')}>
        {schedule.error && <LoadError error={schedule.error} onRetry={schedule.reload} />}
        {schedule.data && (
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('doctorDesk.schedule')}>
              {schedule.data.weekly.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('doctorDesk.scheduleEmpty')} />
              ) : (
                <Space wrap>
                  {schedule.data.weekly.map((session) => (
                    <Tag key={`${session.weekday}-${session.period}`}>
                      {`${weekdayLabel(t, session.weekday)} ${periodLabel(t, session.period)} · ${t('doctorDesk.capacity', { count: session.capacity })}`}
                    </Tag>
                  ))}
                </Space>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('doctorDesk.exceptions')}>
              <Space wrap>
                {schedule.data.exceptions.map((exception) => (
                  <Tag
                    key={`${exception.date}-${exception.period}`}
                    color={exception.kind === 'cancelled' ? 'red' : 'blue'}
                  >
                    {`${exception.date} ${periodLabel(t, exception.period)} ${t(`doctorDesk.${exception.kind}`)}`}
                  </Tag>
                ))}
              </Space>
            </Descriptions.Item>
          </Descriptions>
        )}
      </ProCard>
    </PageContainer>
  );
}
