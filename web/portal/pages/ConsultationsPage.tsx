import { MessageOutlined } from '@ant-design/icons';
import { Button, Flex, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AskDoctorCard } from '../AskDoctorCard';
import { type Consultation, useConsultationEvents } from '../consultations';
import { formatInstant } from '../format';
import { NativeSelect } from '../NativeSelect';
import { PortalCard } from '../PortalCard';
import { usePortalSession } from '../session';
import { EmptyState, Loaded, useLoad } from '../states';

type StatusFilter = 'all' | 'open' | 'closed';
const FILTERS: StatusFilter[] = ['all', 'open', 'closed'];

/**
 * 在线问诊: my consultations, the latest activity first, each with the doctor, the last message
 * and what I have not read; a new question starts here. The list follows the live stream.
 */
export function ConsultationsPage() {
  const { t } = useTranslation('portal');
  const { client, call } = usePortalSession();
  const [status, setStatus] = useState<StatusFilter>('all');
  const [asking, setAsking] = useState(false);
  const state = useLoad(
    () => call(client.GET('/patient/consultations', { params: { query: { status } } })),
    [client, call, status],
  );
  // A message anywhere changes a preview, an unread count or the order: the list is fetched again.
  useConsultationEvents(state.reload, state.reload);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Flex justify="space-between" align="center" gap={8}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('consultations.title')}
        </Typography.Title>
        {asking ? null : (
          <Button type="primary" icon={<MessageOutlined />} onClick={() => setAsking(true)}>
            {t('consultations.ask')}
          </Button>
        )}
      </Flex>
      {asking ? <AskDoctorCard onCancel={() => setAsking(false)} /> : null}
      <Flex align="center" gap={8}>
        <label htmlFor="consultation-status">{t('consultations.filter')}</label>
        <NativeSelect
          id="consultation-status"
          value={status}
          onChange={(event) => setStatus(event.target.value as StatusFilter)}
        >
          {FILTERS.map((filter) => (
            <option key={filter} value={filter}>
              {t(`consultations.filters.${filter}`)}
            </option>
          ))}
        </NativeSelect>
      </Flex>
      <Loaded
        state={state}
        isEmpty={(data) => data.consultations.length === 0}
        empty={<EmptyState description={t('consultations.empty')} />}
      >
        {(data) => (
          <Flex vertical gap={12}>
            {data.consultations.map((consultation) => (
              <ConsultationCard key={consultation.id} consultation={consultation} />
            ))}
          </Flex>
        )}
      </Loaded>
    </Space>
  );
}

function ConsultationCard({ consultation }: { consultation: Consultation }) {
  const { t, i18n } = useTranslation('portal');
  const doctor = [consultation.doctor_name, consultation.doctor_title].filter(Boolean).join(' ');
  return (
    <Link to={`/consultations/${consultation.id}`} style={{ color: 'inherit' }}>
      <PortalCard
        size="small"
        hoverable
        aria-label={consultation.doctor_name}
        title={
          <Space size={6} wrap>
            {doctor}
            {consultation.department_name ? (
              <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
                {consultation.department_name}
              </Typography.Text>
            ) : null}
          </Space>
        }
        extra={
          <Space size={4}>
            {consultation.unread > 0 ? <UnreadBadge count={consultation.unread} /> : null}
            <Tag color={consultation.status === 'open' ? 'green' : 'default'} style={{ marginInlineEnd: 0 }}>
              {t(`consultations.${consultation.status}`)}
            </Tag>
          </Space>
        }
      >
        <div style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
          {consultation.last_message_kind === 'image'
            ? t('consultations.lastImage')
            : consultation.last_message_kind === 'closed'
              ? t('consultations.closedMessage')
              : (consultation.last_message ?? t('consultations.noMessage'))}
        </div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {formatInstant(consultation.last_message_at, i18n.language)}
        </Typography.Text>
      </PortalCard>
    </Link>
  );
}

/** A red count like antd's Badge, without its component; read out as "n 条未读". */
function UnreadBadge({ count }: { count: number }) {
  const { t } = useTranslation('portal');
  return (
    <span
      role="status"
      aria-label={t('consultations.unread', { count })}
      style={{
        minWidth: 20,
        height: 20,
        padding: '0 6px',
        borderRadius: 10,
        background: '#ff4d4f',
        color: '#fff',
        fontSize: 12,
        lineHeight: '20px',
        textAlign: 'center',
        fontWeight: 'normal',
      }}
    >
      {count > 99 ? '99+' : count}
    </span>
  );
}
