import { LeftOutlined } from '@ant-design/icons';
import { Alert, App, Flex, Tag, Typography } from 'antd';
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ChatComposer } from '../../ui/ChatComposer';
import { ChatMessages } from '../../ui/ChatMessages';
import { useChatThread } from '../../ui/useChatThread';
import {
  type Consultation,
  fetchImage,
  imageProblem,
  type Sent,
  sendImage,
  toChatMessage,
  useConsultationEvents,
} from '../consultations';
import { formatInstant } from '../format';
import { PortalCard } from '../PortalCard';
import { messageOf, PortalError, usePortalSession } from '../session';
import { ErrorState, LoadingState } from '../states';

/**
 * One consultation: the bubbles (mine right, the doctor's left), older history on request, the
 * doctor's answers live from the event stream, and the box to answer with text or a picture.
 * While it is shown the doctor's messages count as read. A closed consultation takes no more.
 */
export function ConsultationThreadPage() {
  const { t, i18n } = useTranslation('portal');
  const { t: tc } = useTranslation('common');
  const { message } = App.useApp();
  const { client, call, token } = usePortalSession();
  const id = Number(useParams().id);

  const thread = useChatThread<Consultation>(
    async ({ after, before }) => {
      const page = await call(
        client.GET('/patient/consultations/{id}/messages', { params: { path: { id }, query: { after, before } } }),
      );
      return { consultation: page.consultation, messages: page.messages.map(toChatMessage), hasMore: page.has_more };
    },
    [client, call, id],
  );
  const { consultation, add } = thread;

  const markRead = useCallback(async () => {
    try {
      const read = await call(client.POST('/patient/consultations/{id}/read', { params: { path: { id } } }));
      add([], read.consultation);
    } catch {
      // The unread count stays until the next visit; nothing the patient needs to act on.
    }
  }, [call, client, id, add]);

  const loaded = consultation !== undefined;
  useEffect(() => {
    if (loaded) void markRead();
  }, [loaded, markRead]);

  useConsultationEvents(
    (sent) => {
      if (sent.consultation.id !== id) return;
      add([toChatMessage(sent.message)], sent.consultation);
      if (sent.message.sender !== 'patient') void markRead();
    },
    () => void thread.catchUp().catch(() => undefined),
  );

  const accept = (sent: Sent) => add([toChatMessage(sent.message)], sent.consultation);
  const refused = (error: unknown) => {
    void message.error(messageOf(error, tc('networkError')));
    // 409: the doctor closed it meanwhile; the thread is shown as it is now.
    if (error instanceof PortalError && error.status === 409) thread.reload();
  };

  const sendText = async (text: string) => {
    try {
      accept(
        await call(client.POST('/patient/consultations/{id}/messages', { params: { path: { id } }, body: { text } })),
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
      accept(await sendImage(id, file, token, tc('networkError')));
    } catch (error) {
      refused(error);
    }
  };

  const loadImage = useCallback((url: string) => fetchImage(url, token), [token]);

  if (thread.error !== undefined && !consultation)
    return <ErrorState message={messageOf(thread.error, tc('networkError'))} onRetry={thread.reload} />;
  if (!consultation) return <LoadingState />;

  const closed = consultation.status === 'closed';
  const doctor = [consultation.doctor_name, consultation.doctor_title].filter(Boolean).join(' ');
  return (
    <Flex vertical gap={12}>
      <Link to="/consultations">
        <LeftOutlined /> {t('consultations.back')}
      </Link>
      <PortalCard
        size="small"
        bodyStyle={{ padding: 0 }}
        title={
          <Typography.Title level={3} style={{ margin: 0, fontSize: 16 }}>
            {t('consultations.thread', { doctor })}
          </Typography.Title>
        }
        extra={
          <Tag color={closed ? 'default' : 'green'} style={{ marginInlineEnd: 0 }}>
            {t(`consultations.${consultation.status}`)}
          </Tag>
        }
      >
        <ChatMessages
          messages={thread.messages}
          loadImage={loadImage}
          formatTime={(seconds) => formatInstant(seconds, i18n.language)}
          label={t('consultations.messages')}
          imageAlt={t('consultations.imageAlt')}
          imageFailed={t('consultations.imageFailed')}
          closedText={t('consultations.closedMessage')}
          earlier={
            thread.hasMore
              ? { label: t('consultations.earlier'), loading: thread.loadingEarlier, onLoad: thread.loadEarlier }
              : undefined
          }
          // The page's height less the header, the composer and the bottom tab bar, on a phone too.
          style={{ height: 'calc(100vh - 330px)', minHeight: 240 }}
        />
        <div style={{ padding: 12, borderTop: '1px solid #f0f0f0' }}>
          {closed ? (
            <Alert type="info" showIcon message={t('consultations.closedNotice')} style={{ marginBottom: 8 }} />
          ) : null}
          <ChatComposer
            disabled={closed}
            onSendText={sendText}
            onSendImage={sendPicture}
            labels={{
              input: t('consultations.input'),
              placeholder: t('consultations.placeholder'),
              send: t('consultations.send'),
              image: t('consultations.image'),
            }}
          />
        </div>
      </PortalCard>
    </Flex>
  );
}
