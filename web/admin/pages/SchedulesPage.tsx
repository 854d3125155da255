import { PlusOutlined } from '@ant-design/icons';
import { PageContainer, ProCard } from '@ant-design/pro-components';
import { App, Button, Empty, Popconfirm, Select, Skeleton, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { LinkButton } from '../../ui/LinkButton';
import { useAccess } from '../access';
import { call, messageOf, staffClient } from '../api';
import { addDaysText, type ScheduleException, sessionLabel, todayText } from '../booking/bookingFormat';
import {
  AffectedPatientsModal,
  type ExceptionDraft,
  ExceptionModal,
  type ExceptionResult,
} from '../booking/ExceptionModal';
import { WeeklyEditor } from '../booking/WeeklyEditor';
import { options, useCatalogs } from '../catalogs';
import { LoadError } from '../LoadError';
import { useRemote } from '../useRemote';

/** The staff schedule API answers at most 92 days at once: the editor shows the next 13 weeks. */
const RANGE_DAYS = 91;

/**
 * 排班管理: per doctor, the weekly sessions (weekday × period with places), the dated
 * exceptions (停诊 / 加诊) and the dated sessions with the places booked and left. Editing
 * needs appointments:schedules; others see the same screens read-only.
 */
export default function SchedulesPage() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const access = useAccess();
  const editable = access.can('appointments:schedules');
  const catalogs = useCatalogs();
  const [params, setParams] = useSearchParams();
  const doctorId = Number(params.get('doctor')) || undefined;
  const [draft, setDraft] = useState<ExceptionDraft>();
  const [affected, setAffected] = useState<ExceptionResult>();
  const from = todayText();
  const to = addDaysText(from, RANGE_DAYS);
  const schedule = useRemote(
    () =>
      doctorId
        ? call(() =>
            staffClient.GET('/back_end/api/v1/schedule/doctors/{id}', {
              params: { path: { id: doctorId }, query: { from, to } },
            }),
          ).then((b) => b.schedule)
        : Promise.resolve(undefined),
    [doctorId, from],
  );
  const data = schedule.data?.doctorId === String(doctorId) ? schedule.data : undefined;
  const exceptionAt = (date: string, period: string) =>
    data?.exceptions.find((e) => e.date === date && e.period === period);

  async function removeException(exception: ScheduleException) {
    try {
      await call(() =>
        staffClient.DELETE('/back_end/api/v1/schedule/doctors/{id}/exceptions/{exceptionId}', {
          params: { path: { id: doctorId!, exceptionId: Number(exception.id) } },
        }),
      );
      message.success(
        t('scheduleEdit.exceptionRemoved', { session: sessionLabel(t, exception.date, exception.period) }),
      );
      schedule.reload();
    } catch (cause) {
      message.error(messageOf(cause));
    }
  }

  return (
    <PageContainer title={t('menu.schedules')}>
      <Space style={{ marginBottom: 16 }} wrap>
        <Select
          aria-label={t('scheduleEdit.doctor')}
          placeholder={t('scheduleEdit.doctor')}
          style={{ width: 220 }}
          value={doctorId}
          onChange={(id: number) => setParams({ doctor: String(id) }, { replace: true })}
          options={options(catalogs.doctors)}
          showSearch
          optionFilterProp="label"
        />
        {doctorId && access.hasMenu('doctor-day') && (
          <Link to={`/admin/doctor-day?doctor=${doctorId}&date=${from}`}>{t('scheduleEdit.openDay')}</Link>
        )}
      </Space>
      {!doctorId && <Empty description={t('schedule.pickDoctor')} />}
      {schedule.error && <LoadError error={schedule.error} onRetry={schedule.reload} />}
      {doctorId && !data && !schedule.error && <Skeleton active />}
      {doctorId && data && (
        <ProCard gutter={[16, 16]} wrap>
          <ProCard colSpan={{ xs: 24, xl: 9 }} bordered title={t('schedule.weekly')}>
            <WeeklyEditor doctorId={doctorId} schedule={data} editable={editable} onChanged={schedule.reload} />
          </ProCard>
          <ProCard
            colSpan={{ xs: 24, xl: 15 }}
            bordered
            title={t('scheduleEdit.exceptions')}
            extra={
              editable && (
                <Button icon={<PlusOutlined />} onClick={() => setDraft({})}>
                  {t('scheduleEdit.addException')}
                </Button>
              )
            }
          >
            <Table
              data-testid="schedule-exceptions"
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={data.exceptions}
              locale={{ emptyText: t('scheduleEdit.noExceptions') }}
              columns={[
                { title: t('appointments.date'), render: (_, e) => sessionLabel(t, e.date, e.period) },
                {
                  title: t('schedule.kind'),
                  render: (_, e) => (
                    <Tag color={e.kind === 'cancelled' ? 'red' : 'blue'}>{t(`scheduleEdit.kinds.${e.kind}`)}</Tag>
                  ),
                },
                { title: t('schedule.capacity'), render: (_, e) => e.capacity ?? '—' },
                { title: t('schedule.reason'), render: (_, e) => e.reason ?? '' },
                ...(editable
                  ? [
                      {
                        title: t('common:actions'),
                        render: (_: unknown, e: ScheduleException) => (
                          <Popconfirm
                            title={t(
                              e.kind === 'cancelled'
                                ? 'scheduleEdit.removeStopConfirm'
                                : 'scheduleEdit.removeExtraConfirm',
                              { session: sessionLabel(t, e.date, e.period) },
                            )}
                            okText={t('scheduleEdit.removeException')}
                            okButtonProps={{ danger: true }}
                            onConfirm={() => removeException(e)}
                          >
                            <LinkButton
                              aria-label={t('scheduleEdit.removeExceptionOf', {
                                session: sessionLabel(t, e.date, e.period),
                              })}
                            >
                              {t('scheduleEdit.removeException')}
                            </LinkButton>
                          </Popconfirm>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          </ProCard>
          <ProCard colSpan={24} bordered title={t('scheduleEdit.sessions', { from, to })}>
            <Table
              data-testid="schedule-sessions"
              rowKey={(s) => `${s.date}-${s.period}`}
              size="small"
              pagination={{ pageSize: 14, hideOnSinglePage: true }}
              dataSource={data.sessions}
              locale={{ emptyText: t('schedule.noSessions') }}
              columns={[
                { title: t('appointments.date'), render: (_, s) => sessionLabel(t, s.date, s.period) },
                { title: t('schedule.capacity'), dataIndex: 'capacity' },
                { title: t('schedule.booked'), dataIndex: 'booked' },
                {
                  title: t('schedule.remaining'),
                  render: (_, s) => <Tag color={s.remaining > 0 ? 'green' : 'red'}>{s.remaining}</Tag>,
                },
                {
                  title: t('schedule.kind'),
                  render: (_, s) =>
                    exceptionAt(s.date, s.period) ? (
                      <Tag color="blue">{t('scheduleEdit.kinds.extra')}</Tag>
                    ) : (
                      t('scheduleEdit.regular')
                    ),
                },
                {
                  title: t('common:actions'),
                  render: (_, s) => (
                    <Space size="small">
                      {access.hasMenu('doctor-day') && (
                        <Link to={`/admin/doctor-day?doctor=${doctorId}&date=${s.date}`}>
                          {t('scheduleEdit.openDay')}
                        </Link>
                      )}
                      {editable && !exceptionAt(s.date, s.period) && (
                        <>
                          <LinkButton
                            onClick={() => setDraft({ date: s.date, period: s.period, kind: 'cancelled' })}
                            aria-label={t('scheduleEdit.stopOf', { session: sessionLabel(t, s.date, s.period) })}
                          >
                            {t('scheduleEdit.stop')}
                          </LinkButton>
                          <LinkButton
                            onClick={() =>
                              setDraft({ date: s.date, period: s.period, kind: 'extra', capacity: s.capacity })
                            }
                            aria-label={t('scheduleEdit.resizeOf', { session: sessionLabel(t, s.date, s.period) })}
                          >
                            {t('scheduleEdit.resize')}
                          </LinkButton>
                        </>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
          </ProCard>
        </ProCard>
      )}
      {doctorId && data && draft && (
        <ExceptionModal
          doctorId={doctorId}
          draft={draft}
          sessions={data.sessions}
          onClose={() => setDraft(undefined)}
          onSaved={(result) => {
            schedule.reload();
            if (result.exception.kind === 'cancelled') setAffected(result);
          }}
        />
      )}
      {affected && <AffectedPatientsModal result={affected} onClose={() => setAffected(undefined)} />}
    </PageContainer>
  );
}
