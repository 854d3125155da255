import { type ActionType, PageContainer, ProTable } from '@ant-design/pro-components';
import { Alert, App, Popconfirm, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { clinicDayEnd, clinicDayStart, DATE_FORMAT, formatClinicInstant } from '../../ui/clinicTime';
import { LinkButton } from '../../ui/LinkButton';
import { useAccess } from '../access';
import { useTableOptionsRender } from '../accessibleChrome';
import { call, messageOf, staffClient } from '../api';
import { rangeLabelProps } from '../patients/patientFormat';

type LogQuery = NonNullable<ApiPaths['/back_end/api/v1/notifications/messages']['get']['parameters']['query']>;
type Status = ApiPaths['/back_end/api/v1/notifications/status']['get']['responses'][200]['content']['application/json'];

export const EVENTS = [
  'booking_confirmed',
  'booking_cancelled',
  'session_stopped',
  'appointment_reminder',
  'verification_code',
  'password_changed',
  'phone_changed',
] as const;
export const CHANNELS = ['sms', 'email', 'wechat'] as const;
const STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;
const STATUS_COLOR: Record<(typeof STATUSES)[number], string> = {
  pending: 'gold',
  sending: 'processing',
  sent: 'success',
  failed: 'error',
  cancelled: 'default',
};

/**
 * 发送记录: every message queued for a patient, newest first, with the provider's answer.
 * Recipients come masked from the server unless the role may see full phones; codes show as
 * ******. A failed message can be sent again (notifications:manage).
 */
export default function NotificationLogPage() {
  const { t } = useTranslation('admin');
  const tableOptionsRender = useTableOptionsRender();
  const { message } = App.useApp();
  const access = useAccess();
  const canRetry = access.can('notifications:manage');
  const [status, setStatus] = useState<Status | null>(null);
  const actionRef = useRef<ActionType>(undefined);

  useEffect(() => {
    call(() => staffClient.GET('/back_end/api/v1/notifications/status'))
      .then(setStatus)
      .catch(() => setStatus(null));
  }, []);

  const logOnly = status
    ? CHANNELS.filter((channel) => status.transports[channel] === 'log').map((channel) =>
        t(`messageChannels.${channel}`),
      )
    : [];

  const retry = async (id: string) => {
    try {
      await call(() =>
        staffClient.POST('/back_end/api/v1/notifications/messages/{id}/retry', {
          params: { path: { id: Number(id) } },
          body: {},
        }),
      );
      message.success(t('messageLog.retried'));
      actionRef.current?.reload();
    } catch (cause) {
      message.error(messageOf(cause));
    }
  };

  return (
    <PageContainer title={t('menu.notification-log')}>
      {logOnly.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('messageLog.logOnly', { channels: logOnly.join('、') })}
        />
      )}
      {status && !status.worker && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t('messageLog.workerOff')} />
      )}
      <ProTable
        rowKey="id"
        search={{ labelWidth: 'auto', defaultCollapsed: false }}
        optionsRender={tableOptionsRender}
        scroll={{ x: 1300 }}
        actionRef={actionRef}
        request={async (params) => {
          const query: Record<string, string | number> = {
            page: params.current ?? 1,
            page_size: params.pageSize ?? 20,
          };
          for (const key of ['patient_id', 'event', 'channel', 'status'] as const)
            if (params[key] !== undefined && params[key] !== '') query[key] = params[key];
          if (Array.isArray(params.time)) {
            // Whole days of the clinic's calendar, in the milliseconds this route takes.
            query.from = clinicDayStart(dayjs(params.time[0] as string).format(DATE_FORMAT)) * 1000;
            query.to = clinicDayEnd(dayjs(params.time[1] as string).format(DATE_FORMAT)) * 1000 + 999;
          }
          try {
            const body = await call(() =>
              staffClient.GET('/back_end/api/v1/notifications/messages', {
                params: { query: query as unknown as LogQuery },
              }),
            );
            return { data: body.messages, total: body.total, success: true };
          } catch (cause) {
            message.error(messageOf(cause));
            return { data: [], total: 0, success: false };
          }
        }}
        columns={[
          {
            title: t('messageLog.time'),
            dataIndex: 'time',
            valueType: 'dateRange',
            search: { transform: (value: unknown) => ({ time: value }) },
            fieldProps: rangeLabelProps(t, t('messageLog.time')),
            render: (_, m) => formatClinicInstant(m.createdAt),
            width: 170,
          },
          {
            title: t('messageLog.patientId'),
            dataIndex: 'patient_id',
            valueType: 'digit',
            hideInTable: true,
          },
          {
            title: t('messageLog.patient'),
            search: false,
            width: 120,
            render: (_, m) => (m.patientName ? `${m.patientName} #${m.patientId}` : '—'),
          },
          {
            title: t('messageLog.event'),
            dataIndex: 'event',
            valueType: 'select',
            width: 110,
            valueEnum: Object.fromEntries(EVENTS.map((e) => [e, { text: t(`messageEvents.${e}`) }])),
          },
          {
            title: t('messageLog.channel'),
            dataIndex: 'channel',
            valueType: 'select',
            width: 80,
            valueEnum: Object.fromEntries(CHANNELS.map((c) => [c, { text: t(`messageChannels.${c}`) }])),
          },
          { title: t('messageLog.recipient'), dataIndex: 'recipient', search: false, width: 130 },
          {
            title: t('messageLog.status'),
            dataIndex: 'status',
            valueType: 'select',
            width: 90,
            valueEnum: Object.fromEntries(STATUSES.map((s) => [s, { text: t(`messageStatus.${s}`) }])),
            render: (_, m) => <Tag color={STATUS_COLOR[m.status]}>{t(`messageStatus.${m.status}`)}</Tag>,
          },
          { title: t('messageLog.attempts'), dataIndex: 'attempts', search: false, width: 80 },
          {
            title: t('messageLog.content'),
            search: false,
            render: (_, m) => (
              <Typography.Text ellipsis={{ tooltip: m.body }} style={{ maxWidth: 280 }}>
                {m.subject ? `${m.subject}：` : ''}
                {m.body}
              </Typography.Text>
            ),
          },
          {
            title: t('messageLog.answer'),
            search: false,
            render: (_, m) => {
              const answer = m.lastError ?? m.providerAnswer ?? m.providerMessageId;
              if (!answer) return t('messageLog.noAnswer');
              return (
                <Typography.Text
                  type={m.status === 'failed' ? 'danger' : undefined}
                  ellipsis={{ tooltip: answer }}
                  style={{ maxWidth: 220 }}
                >
                  {m.transport ? `[${m.transport}] ` : ''}
                  {answer}
                </Typography.Text>
              );
            },
          },
          {
            title: t('common:actions'),
            search: false,
            width: 100,
            fixed: 'right',
            hideInTable: !canRetry,
            render: (_, m) =>
              // A verification code is never resent (the server refuses): the patient asks for a new one.
              m.status === 'failed' && m.event !== 'verification_code' ? (
                <Popconfirm title={t('messageLog.retryConfirm')} onConfirm={() => retry(m.id)}>
                  <LinkButton>{t('messageLog.retry')}</LinkButton>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
    </PageContainer>
  );
}
