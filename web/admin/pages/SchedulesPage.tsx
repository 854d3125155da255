import { useState } from 'react';
import { PageContainer, ProCard } from '@ant-design/pro-components';
import { Alert, Empty, Select, Skeleton, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { call, staffClient } from '../api';
import { options, useCatalogs } from '../catalogs';
import { useRemote } from '../useRemote';

/** 排班管理: a doctor's weekly sessions, exceptions (停诊 / 加诊) and the next two weeks' places. */
export default function SchedulesPage() {
  const { t } = useTranslation('admin');
  const catalogs = useCatalogs();
  const [doctorId, setDoctorId] = useState<number>();
  const from = dayjs().format('YYYY-MM-DD');
  const to = dayjs().add(13, 'day').format('YYYY-MM-DD');
  const schedule = useRemote(
    () => (doctorId ? call(() => staffClient.GET('/back_end/api/v1/schedule/doctors/{id}', { params: { path: { id: doctorId }, query: { from, to } } })).then((b) => b.schedule) : Promise.resolve(undefined)),
    [doctorId],
  );
  const weekday = (n: number) => t(`schedule.weekdays.${n}`);
  return (
    <PageContainer title={t('menu.schedules')}>
      <Select aria-label={t('fields.doctor')} placeholder={t('fields.doctor')} style={{ width: 220, marginBottom: 16 }} value={doctorId} onChange={setDoctorId} options={options(catalogs.doctors)} showSearch optionFilterProp="label" />
      {!doctorId && <Empty description={t('schedule.pickDoctor')} />}
      {schedule.error && <Alert type="error" showIcon message={schedule.error} />}
      {doctorId && schedule.loading && !schedule.data && <Skeleton active />}
      {schedule.data && (
        <ProCard gutter={16} wrap>
          <ProCard colSpan={{ xs: 24, lg: 8 }} bordered title={t('schedule.weekly')}>
            <Table rowKey={(w) => `${w.weekday}-${w.period}`} size="small" pagination={false} dataSource={schedule.data.weekly} locale={{ emptyText: t('schedule.noSessions') }} columns={[
              { title: t('schedule.weekday'), render: (_, w) => weekday(w.weekday) },
              { title: t('appointments.period'), render: (_, w) => t(`appointments.periods.${w.period}`) },
              { title: t('schedule.capacity'), dataIndex: 'capacity' },
            ]} />
          </ProCard>
          <ProCard colSpan={{ xs: 24, lg: 16 }} bordered title={t('schedule.sessions')}>
            <Table rowKey={(s) => `${s.date}-${s.period}`} size="small" pagination={false} dataSource={schedule.data.sessions} locale={{ emptyText: t('schedule.noSessions') }} columns={[
              { title: t('appointments.date'), dataIndex: 'date' },
              { title: t('appointments.period'), render: (_, s) => t(`appointments.periods.${s.period}`) },
              { title: t('schedule.capacity'), dataIndex: 'capacity' },
              { title: t('schedule.booked'), dataIndex: 'booked' },
              { title: t('schedule.remaining'), render: (_, s) => <Tag color={s.remaining > 0 ? 'green' : 'red'}>{s.remaining}</Tag> },
            ]} />
            {schedule.data.exceptions.length > 0 && (
              <Table style={{ marginTop: 16 }} rowKey="id" size="small" pagination={false} dataSource={schedule.data.exceptions} columns={[
                { title: t('appointments.date'), dataIndex: 'date' },
                { title: t('appointments.period'), render: (_, e) => t(`appointments.periods.${e.period}`) },
                { title: t('schedule.kind'), dataIndex: 'kind' },
                { title: t('schedule.reason'), dataIndex: 'reason' },
              ]} />
            )}
          </ProCard>
        </ProCard>
      )}
    </PageContainer>
  );
}
