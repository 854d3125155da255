import { LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { PageContainer, ProCard } from '@ant-design/pro-components';
import { Button, DatePicker, Empty, Select, Skeleton, Space, Statistic, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useAccess } from '../access';
import { call, staffClient } from '../api';
import { AppointmentActions } from '../booking/AppointmentActions';
import { BookOnBehalfModal } from '../booking/BookOnBehalfModal';
import { addDaysText, DATE_FORMAT, periodLabel, type StaffAppointment, todayText } from '../booking/bookingFormat';
import { options, useCatalogs } from '../catalogs';
import { LoadError } from '../LoadError';
import { useRemote } from '../useRemote';

const STATUS_COLOR: Record<StaffAppointment['status'], string> = {
  booked: 'processing',
  arrived: 'success',
  missed: 'warning',
  cancelled: 'default',
};

function StatusCell({ appointment }: { appointment: StaffAppointment }) {
  const { t } = useTranslation('admin');
  return (
    <Space direction="vertical" size={0}>
      <Tag color={STATUS_COLOR[appointment.status]}>{t(`appointments.statuses.${appointment.status}`)}</Tag>
      {appointment.status === 'cancelled' && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t(`dayList.cancelledBy.${appointment.cancelledBy === 'patient' ? 'patient' : 'staff'}`)}
          {appointment.cancelReason ? `：${appointment.cancelReason}` : ''}
        </Typography.Text>
      )}
    </Space>
  );
}

/**
 * 医生日程: one doctor's day, its sessions with places left and every appointment of the
 * day. With appointments:manage the front desk books on a patient's behalf and confirms
 * arrival, marks missed or cancels; the list reloads after each action. The doctor and the
 * date live in the address (?doctor=&date=), so the schedule editor can link to a day.
 */
export default function DoctorDayPage() {
  const { t } = useTranslation('admin');
  const access = useAccess();
  const manage = access.can('appointments:manage');
  const catalogs = useCatalogs();
  const [params, setParams] = useSearchParams();
  const doctorId = Number(params.get('doctor')) || undefined;
  const requestedDate = params.get('date');
  const date =
    requestedDate && /^\d{4}-\d{2}-\d{2}$/.test(requestedDate) && dayjs(requestedDate).isValid()
      ? requestedDate
      : todayText();
  const [booking, setBooking] = useState(false);
  const show = (next: { doctor?: number; date?: string }) => {
    const doctor = next.doctor ?? doctorId;
    setParams({ ...(doctor ? { doctor: String(doctor) } : {}), date: next.date ?? date }, { replace: true });
  };

  const day = useRemote(
    () =>
      doctorId
        ? call(() =>
            staffClient.GET('/back_end/api/v1/appointment/day', { params: { query: { doctor_id: doctorId, date } } }),
          )
        : Promise.resolve(undefined),
    [doctorId, date],
  );
  // An answer for the previous doctor or date is not shown while the next one loads.
  const data = day.data && day.data.doctorId === String(doctorId) && day.data.date === date ? day.data : undefined;
  const counts: Record<string, number> = {};
  for (const appointment of data?.appointments ?? [])
    counts[appointment.status] = (counts[appointment.status] ?? 0) + 1;

  return (
    <PageContainer
      title={t('menu.doctor-day')}
      extra={
        manage && doctorId ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setBooking(true)}>
            {t('dayList.book')}
          </Button>
        ) : undefined
      }
    >
      <Space style={{ marginBottom: 16 }} wrap>
        <Select
          aria-label={t('scheduleEdit.doctor')}
          placeholder={t('scheduleEdit.doctor')}
          style={{ width: 200 }}
          value={doctorId}
          onChange={(id: number) => show({ doctor: id })}
          options={options(catalogs.doctors)}
          showSearch
          optionFilterProp="label"
        />
        <Button
          icon={<LeftOutlined />}
          aria-label={t('dayList.previousDay')}
          onClick={() => show({ date: addDaysText(date, -1) })}
        />
        <DatePicker
          aria-label={t('appointments.date')}
          value={dayjs(date)}
          allowClear={false}
          onChange={(value) => value && show({ date: value.format(DATE_FORMAT) })}
        />
        <Button
          icon={<RightOutlined />}
          aria-label={t('dayList.nextDay')}
          onClick={() => show({ date: addDaysText(date, 1) })}
        />
        <Button onClick={() => show({ date: todayText() })} disabled={date === todayText()}>
          {t('dayList.today')}
        </Button>
      </Space>
      {!doctorId && <Empty description={t('schedule.pickDoctor')} />}
      {day.error && <LoadError error={day.error} onRetry={day.reload} />}
      {doctorId && !data && !day.error && <Skeleton active />}
      {data && (
        <>
          <ProCard gutter={16} style={{ marginBottom: 16 }} wrap>
            {data.sessions.length === 0 && <Empty description={t('dayList.noSessionsThatDay')} />}
            {data.sessions.map((s) => (
              <ProCard key={s.period} bordered colSpan={{ xs: 24, md: 12 }} title={periodLabel(t, s.period)}>
                <Space size="large" data-testid={`day-session-${s.period}`}>
                  <Statistic title={t('schedule.capacity')} value={s.capacity} />
                  <Statistic title={t('schedule.booked')} value={s.booked} />
                  <Statistic
                    title={t('schedule.remaining')}
                    value={s.remaining}
                    valueStyle={{ color: s.remaining > 0 ? '#389e0d' : '#cf1322' }}
                  />
                </Space>
              </ProCard>
            ))}
          </ProCard>
          <Table
            data-testid="day-appointments"
            rowKey="id"
            dataSource={data.appointments}
            pagination={false}
            loading={day.loading}
            locale={{ emptyText: t('appointments.none') }}
            title={() => (
              <Space wrap>
                <Typography.Text strong>{t('dayList.total', { count: data.appointments.length })}</Typography.Text>
                {(['booked', 'arrived', 'missed', 'cancelled'] as const).map((status) =>
                  counts?.[status] ? (
                    <Tag
                      key={status}
                      color={STATUS_COLOR[status]}
                    >{`${t(`appointments.statuses.${status}`)} ${counts[status]}`}</Tag>
                  ) : null,
                )}
              </Space>
            )}
            columns={[
              { title: t('appointments.period'), render: (_, a) => periodLabel(t, a.period), width: 80 },
              { title: t('fields.name'), dataIndex: 'patientName' },
              { title: t('fields.tel'), render: (_, a) => a.tel ?? '' },
              { title: t('appointments.status'), render: (_, a) => <StatusCell appointment={a} /> },
              { title: t('appointments.source'), render: (_, a) => t(`appointments.sources.${a.source}`) },
              ...(manage
                ? [
                    {
                      title: t('common:actions'),
                      key: 'actions',
                      render: (_: unknown, a: StaffAppointment) => (
                        <AppointmentActions appointment={a} onDone={day.reload} />
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </>
      )}
      {booking && doctorId && (
        <BookOnBehalfModal
          doctorId={doctorId}
          preferredDate={date}
          onClose={() => setBooking(false)}
          onBooked={(bookedDate) => (bookedDate === date ? day.reload() : show({ date: bookedDate }))}
        />
      )}
    </PageContainer>
  );
}
