import { Alert, App, Button, Flex, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type Appointment, formatInstant, periodLabel, weekdayOf } from '../format';
import { PortalCard } from '../PortalCard';
import { messageOf, usePortalSession } from '../session';
import { EmptyState, Loaded, useLoad } from '../states';

const STATUS_COLOR: Record<Appointment['status'], string> = {
  booked: 'blue',
  cancelled: 'default',
  arrived: 'green',
  missed: 'red',
};

/** Upcoming and past appointments; a booked one can be cancelled until the clinic's cutoff. */
export function AppointmentsPage() {
  const { t } = useTranslation('portal');
  const { client, call } = usePortalSession();
  const navigate = useNavigate();
  const state = useLoad(() => call(client.GET('/patient/appointments')), [client, call]);
  const toBook = (
    <Button type="primary" onClick={() => navigate('/doctors')}>
      {t('appointments.toBook')}
    </Button>
  );

  const list = (items: Appointment[], emptyText: string) =>
    items.length === 0 ? (
      <EmptyState description={emptyText} action={toBook} />
    ) : (
      <Flex vertical gap={12}>
        {items.map((appointment) => (
          <AppointmentCard key={appointment.id} appointment={appointment} onChanged={state.reload} />
        ))}
      </Flex>
    );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('appointments.title')}
      </Typography.Title>
      <Loaded state={state}>
        {(data) => (
          <Tabs
            items={[
              {
                key: 'upcoming',
                label: `${t('appointments.upcoming')} (${data.upcoming.length})`,
                children: list(data.upcoming, t('appointments.empty')),
              },
              {
                key: 'past',
                label: `${t('appointments.past')} (${data.past.length})`,
                children: list(data.past, t('appointments.emptyPast')),
              },
            ]}
          />
        )}
      </Loaded>
    </Space>
  );
}

function AppointmentCard({ appointment, onChanged }: { appointment: Appointment; onChanged: () => void }) {
  const { t, i18n } = useTranslation('portal');
  const { modal, message } = App.useApp();
  const { client, call } = usePortalSession();
  const [cancelling, setCancelling] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const deadline = formatInstant(appointment.cancel_deadline, i18n.language);
  const when = `${appointment.date} ${weekdayOf(appointment.date, t)} ${periodLabel(appointment.period, t)}`;

  const cancel = async () => {
    setCancelling(true);
    setRefusal(null);
    try {
      await call(client.POST('/patient/appointments/{id}/cancel', { params: { path: { id: appointment.id } } }));
      void message.success(t('appointments.cancelled'));
      onChanged();
    } catch (caught) {
      // The cutoff refusal (409) carries the server's explanation: keep it on the card.
      setRefusal(messageOf(caught, t('appointments.cancelFailed')));
    } finally {
      setCancelling(false);
    }
  };

  const ask = () =>
    modal.confirm({
      title: t('appointments.cancelConfirm'),
      content: `${appointment.doctor_name} · ${when}`,
      okText: t('appointments.cancel'),
      okButtonProps: { danger: true },
      cancelText: t('appointments.keep'),
      onOk: () => {
        void cancel();
      },
    });

  const booked = appointment.status === 'booked';
  return (
    <PortalCard size="small" aria-label={`${appointment.doctor_name} ${when}`}>
      <Flex justify="space-between" align="flex-start" gap={8}>
        <div style={{ minWidth: 0 }}>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {appointment.doctor_name}
            {appointment.department_name ? (
              <Typography.Text type="secondary" style={{ fontWeight: 'normal', marginLeft: 8 }}>
                {appointment.department_name}
              </Typography.Text>
            ) : null}
          </Typography.Title>
          <Typography.Text>{when}</Typography.Text>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t(`appointments.bookedVia.${appointment.source}`)}
            </Typography.Text>
          </div>
        </div>
        <Tag color={STATUS_COLOR[appointment.status]} style={{ marginInlineEnd: 0 }}>
          {t(`appointments.status.${appointment.status}`)}
        </Tag>
      </Flex>
      {appointment.cancel_reason ? (
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t('appointments.cancelReason', { reason: appointment.cancel_reason })}
        </Typography.Paragraph>
      ) : null}
      {booked && appointment.cancellable ? (
        <Flex justify="space-between" align="center" gap={8} wrap style={{ marginTop: 12 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('appointments.cancelUntil', { deadline })}
          </Typography.Text>
          <Button danger loading={cancelling} onClick={ask}>
            {t('appointments.cancel')}
          </Button>
        </Flex>
      ) : null}
      {booked && !appointment.cancellable ? (
        <Alert type="warning" showIcon style={{ marginTop: 12 }} message={t('appointments.pastCutoff', { deadline })} />
      ) : null}
      {refusal ? <Alert type="error" showIcon role="alert" style={{ marginTop: 12 }} message={refusal} /> : null}
    </PortalCard>
  );
}
