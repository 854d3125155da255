import { useState } from 'react';
import { PageContainer, ProCard } from '@ant-design/pro-components';
import { Alert, DatePicker, Empty, Select, Skeleton, Space, Statistic, Table } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { call, staffClient } from '../api';
import { options, useCatalogs } from '../catalogs';
import { useRemote } from '../useRemote';

/** 医生日程: one doctor's day, its sessions with places left and the appointments booked. */
export default function DoctorDayPage() {
  const { t } = useTranslation('admin');
  const catalogs = useCatalogs();
  const [doctorId, setDoctorId] = useState<number>();
  const [date, setDate] = useState(dayjs());
  const day = useRemote(
    () => (doctorId ? call(() => staffClient.GET('/back_end/api/v1/appointment/day', { params: { query: { doctor_id: doctorId, date: date.format('YYYY-MM-DD') } } })) : Promise.resolve(undefined)),
    [doctorId, date.format('YYYY-MM-DD')],
  );
  return (
    <PageContainer title={t('menu.doctor-day')}>
      <Space style={{ marginBottom: 16 }}>
        <Select aria-label={t('fields.doctor')} placeholder={t('fields.doctor')} style={{ width: 200 }} value={doctorId} onChange={setDoctorId} options={options(catalogs.doctors)} showSearch optionFilterProp="label" />
        <DatePicker aria-label={t('appointments.date')} value={date} allowClear={false} onChange={(value) => value && setDate(value)} />
      </Space>
      {!doctorId && <Empty description={t('schedule.pickDoctor')} />}
      {day.error && <Alert type="error" showIcon message={day.error} />}
      {doctorId && day.loading && !day.data && <Skeleton active />}
      {day.data && (
        <>
          <ProCard gutter={16} style={{ marginBottom: 16 }}>
            {day.data.sessions.length === 0 && <Empty description={t('schedule.noSessions')} />}
            {day.data.sessions.map((s) => (
              <ProCard key={s.period} bordered title={t(`appointments.periods.${s.period}`)}>
                <Space size="large">
                  <Statistic title={t('schedule.capacity')} value={s.capacity} />
                  <Statistic title={t('schedule.booked')} value={s.booked} />
                  <Statistic title={t('schedule.remaining')} value={s.remaining} />
                </Space>
              </ProCard>
            ))}
          </ProCard>
          <Table rowKey="id" dataSource={day.data.appointments} pagination={false} locale={{ emptyText: t('appointments.none') }} columns={[
            { title: t('appointments.period'), render: (_, a) => t(`appointments.periods.${a.period}`) },
            { title: t('fields.name'), dataIndex: 'patientName' },
            { title: t('fields.tel'), dataIndex: 'tel' },
            { title: t('appointments.status'), render: (_, a) => t(`appointments.statuses.${a.status}`) },
            { title: t('appointments.source'), render: (_, a) => t(`appointments.sources.${a.source}`) },
          ]} />
        </>
      )}
    </PageContainer>
  );
}
