import { Alert, App, Button, Empty, Popconfirm, Skeleton, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ChatComposer } from '../../ui/ChatComposer';
import { ChatMessages } from '../../ui/ChatMessages';
import { formatClinicTime } from '../../ui/clinicTime';
import { useChatThread } from '../../ui/useChatThread';
import { ApiError, call, messageOf, staffClient } from '../api';
import { LoadError } from '../LoadError';
import { type Consultation, fetchImage, imageProblem, type Sent, sendImage, toChatMessage } from './consultations';

export type LiveListeners = Set<(sent: Sent) => void>;

interface ConsultationThreadProps {
  id: string;
  /** The page's live stream: the thread listens while it is shown. */
  live: LiveListeners;
  /** Each time the stream is listening (again): the thread fetches what it may have missed. */
  ready: Set<() => void>;
  /** Something the list shows changed (read, answered, closed). */
  onChanged: () => void;
}

/**
 * One consultation on the doctor's side: the patient's messages left, mine right, the answer
 * box, and 结束问诊. While it is shown the patient's messages count as read, live ones included.
 */
export function ConsultationThread({ id, live, ready, onChanged }: ConsultationThreadProps) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const path = { params: { path: { id: Number(id) } } };
  const thread = useChatThread<Consultation>(
    async ({ after, before }) => {
      const page = await call(() =>
        staffClient.GET('/back_end/api/v1/consultation/{id}/messages', {
          params: { path: { id: Number(id) }, query: { after, before } },
        }),
      );
      return { consultation: page.consultation, messages: page.messages.map(toChatMessage), hasMore: page.hasMore };
    },
    [id],
  );
  const { consultation, add, catchUp } = thread;

  const markRead = useCallback(async () => {
    try {
      const read = await call(() =>
        staffClient.POST('/back_end/api/v1/consultation/{id}/read', { params: { path: { id: Number(id) } }, body: {} }),
      );
      add([], read.consultation);
      onChanged();
    } catch {
      // The count stays unread until the next look; nothing to act on.
    }
  }, [id, add, onChanged]);

  const loaded = consultation !== undefined;
  useEffect(() => {
    if (loaded) void markRead();
  }, [loaded, markRead]);

  useEffect(() => {
    const onLive = (sent: Sent) => {
      if (sent.consultation.id !== id) return;
      add([toChatMessage(sent.message)], sent.consultation);
      if (sent.message.sender === 'patient') void markRead();
    };
    const onReady = () => void catchUp().catch(() => undefined);
    live.add(onLive);
    ready.add(onReady);
    return () => {
      live.delete(onLive);
      ready.delete(onReady);
    };
  }, [id, live, ready, add, catchUp, markRead]);

  const accept = (sent: Sent) => {
    add([toChatMessage(sent.message)], sent.consultation);
    onChanged();
  };
  const refused = (error: unknown) => {
    void message.error(messageOf(error));
    // 409: closed meanwhile (another tab); the thread is shown as it is now.
    if (error instanceof ApiError && error.status === 409) thread.reload();
  };

  const sendText = async (text: string) => {
    try {
      accept(
        await call(() => staffClient.POST('/back_end/api/v1/consultation/{id}/messages', { ...path, body: { text } })),
      );
      return true;
    } catch (error) {
      refused(error);
      return false;
    }
  };

  const sendPicture = async (file: File) => {
    const problem = imageProblem(file);
    if (problem) {
      void message.error(t(problem));
      return;
    }
    try {
      accept(await sendImage(id, file));
    } catch (error) {
      refused(error);
    }
  };

  const close = async () => {
    if (!consultation) return;
    try {
      accept(await call(() => staffClient.POST('/back_end/api/v1/consultation/{id}/close', { ...path, body: {} })));
      void message.success(t('consultationDesk.closedDone', { name: consultation.patient.name }));
    } catch (error) {
      refused(error);
    }
  };

  if (thread.error !== undefined && !consultation)
    return <LoadError error={messageOf(thread.error)} onRetry={thread.reload} />;
  if (!consultation) return <Skeleton active />;

  const { patient } = consultation;
  const closed = consultation.status === 'closed';
  const facts = [
    patient.sex === null ? '' : t(`doctorDesk.sex.${patient.sex}`),
    patient.age === null ? '' : t('doctorDesk.age', { age: patient.age }),
  ].filter(Boolean);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Space>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {patient.name}
          </Typography.Title>
          {facts.length > 0 && <Typography.Text type="secondary">{facts.join(' / ')}</Typography.Text>}
          <Tag color={closed ? 'default' : 'green'}>{t(`consultationDesk.${consultation.status}`)}</Tag>
        </Space>
        {closed ? null : (
          <Popconfirm
            title={t('consultationDesk.closeConfirm', { name: patient.name })}
            okText={t('consultationDesk.closeOk')}
            onConfirm={close}
          >
            <Button danger>{t('consultationDesk.close')}</Button>
          </Popconfirm>
        )}
      </Space>
      <ChatMessages
        messages={thread.messages}
        loadImage={fetchImage}
        formatTime={(seconds) => formatClinicTime(seconds, 'MM-DD HH:mm')}
        label={t('consultationDesk.messages')}
        imageAlt={t('consultationDesk.imageAlt')}
        imageFailed={t('consultationDesk.imageFailed')}
        closedText={t('consultationDesk.closedMessage')}
        earlier={
          thread.hasMore
            ? { label: t('consultationDesk.earlier'), loading: thread.loadingEarlier, onLoad: thread.loadEarlier }
            : undefined
        }
        style={{ height: 'calc(100vh - 400px)', minHeight: 280, borderRadius: 8 }}
      />
      {closed ? <Alert type="info" showIcon message={t('consultationDesk.closedNotice')} /> : null}
      <ChatComposer
        disabled={closed}
        onSendText={sendText}
        onSendImage={sendPicture}
        labels={{
          input: t('consultationDesk.input'),
          placeholder: t('consultationDesk.placeholder'),
          send: t('consultationDesk.send'),
          image: t('consultationDesk.image'),
        }}
      />
    </Space>
  );
}

/** What the right side shows before a consultation is chosen. */
export function NoThread() {
  const { t } = useTranslation('admin');
  return <Empty description={t('consultationDesk.choose')} style={{ padding: '64px 0' }} />;
}
