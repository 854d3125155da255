import { PageContainer, ProCard } from '@ant-design/pro-components';
import { Badge, Empty, Segmented, Space, Tag, Typography } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useEventStream } from '../../api/event-stream';
import { formatClinicTime } from '../../ui/clinicTime';
import { call, staffClient } from '../api';
import { ConsultationThread, type LiveListeners, NoThread } from '../consultations/ConsultationThread';
import { type Consultation, EVENTS_URL, liveMessage } from '../consultations/consultations';
import { LoadError } from '../LoadError';
import { getToken } from '../session';
import { useRemote } from '../useRemote';

type StatusFilter = 'all' | 'open' | 'closed';

/**
 * 在线问诊 for a doctor: the consultations patients opened with them (left, latest activity first,
 * unread counts) and the chosen one's thread (right). One live stream serves both: a new message
 * refreshes the list and reaches the thread if it is the one shown. The chosen consultation is
 * in the address (?id=), so a reload or a shared link opens it again.
 */
export default function ConsultationsPage() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const selected = params.get('id');
  const [status, setStatus] = useState<StatusFilter>('all');
  const list = useRemote(
    () => call(() => staffClient.GET('/back_end/api/v1/consultation/list', { params: { query: { status } } })),
    [status],
  );
  const live = useRef<LiveListeners>(new Set()).current;
  const ready = useRef(new Set<() => void>()).current;
  const reloadList = list.reload;

  useEventStream(EVENTS_URL, getToken, (event) => {
    // Listening (again): what came before is fetched, not pushed.
    if (event.event === 'ready') {
      reloadList();
      for (const listener of ready) listener();
    }
    const sent = liveMessage(event);
    if (!sent) return;
    reloadList();
    for (const listener of live) listener(sent);
  });

  const choose = useCallback((id: string) => setParams({ id }), [setParams]);

  return (
    <PageContainer title={t('menu.consultations')}>
      <ProCard split="vertical" bordered>
        <ProCard
          colSpan="360px"
          title={
            <Space>
              {t('consultationDesk.list')}
              {list.data && list.data.unread > 0 ? <Badge count={list.data.unread} /> : null}
            </Space>
          }
        >
          <Segmented<StatusFilter>
            aria-label={t('consultationDesk.filter')}
            block
            value={status}
            onChange={setStatus}
            options={(['all', 'open', 'closed'] as const).map((value) => ({
              value,
              label: t(`consultationDesk.filters.${value}`),
            }))}
            style={{ marginBottom: 12 }}
          />
          {list.error && <LoadError error={list.error} onRetry={list.reload} />}
          {list.data?.consultations.length === 0 && (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('consultationDesk.empty')} />
          )}
          <nav aria-label={t('consultationDesk.list')}>
            {list.data?.consultations.map((consultation) => (
              <ConsultationItem
                key={consultation.id}
                consultation={consultation}
                selected={consultation.id === selected}
                onChoose={choose}
              />
            ))}
          </nav>
        </ProCard>
        <ProCard>
          {selected ? (
            <ConsultationThread key={selected} id={selected} live={live} ready={ready} onChanged={reloadList} />
          ) : (
            <NoThread />
          )}
        </ProCard>
      </ProCard>
    </PageContainer>
  );
}

function ConsultationItem({
  consultation,
  selected,
  onChoose,
}: {
  consultation: Consultation;
  selected: boolean;
  onChoose: (id: string) => void;
}) {
  const { t } = useTranslation('admin');
  return (
    <button
      type="button"
      aria-current={selected ? 'true' : undefined}
      onClick={() => onChoose(consultation.id)}
      style={{
        display: 'block',
        width: '100%',
        textAlign: 'left',
        padding: '10px 12px',
        marginBottom: 4,
        border: 'none',
        borderRadius: 8,
        cursor: 'pointer',
        background: selected ? '#e6f4ff' : 'transparent',
        font: 'inherit',
      }}
    >
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Text strong>{consultation.patient.name}</Typography.Text>
        <Space size={4}>
          {consultation.unread > 0 ? (
            <Badge count={consultation.unread} title={t('consultationDesk.unread', { count: consultation.unread })} />
          ) : null}
          <Tag color={consultation.status === 'open' ? 'green' : 'default'} style={{ marginInlineEnd: 0 }}>
            {t(`consultationDesk.${consultation.status}`)}
          </Tag>
        </Space>
      </Space>
      <Typography.Text type="secondary" ellipsis style={{ display: 'block', fontSize: 12 }}>
        {consultation.lastMessageKind === 'image'
          ? t('consultationDesk.lastImage')
          : consultation.lastMessageKind === 'closed'
            ? t('consultationDesk.closedMessage')
            : (consultation.lastMessage ?? t('consultationDesk.noMessage'))}
        {' · '}
        {formatClinicTime(Number(consultation.lastMessageAt), 'MM-DD HH:mm')}
      </Typography.Text>
    </button>
  );
}
