import { FileTextOutlined } from '@ant-design/icons';
import { App, Button, Flex, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatInstant, type VisitNote } from '../format';
import { PortalCard } from '../PortalCard';
import { usePortalSession } from '../session';
import { EmptyState, Loaded, useLoad } from '../states';

type Attachment = VisitNote['attachments'][number];

/**
 * 我的病历: the notes the clinic released, latest visit first, each as the doctor last signed it
 * (the portal sees no versions or reasons; docs/visit-notes.md).
 */
export function VisitNotesPage() {
  const { t } = useTranslation('portal');
  const { client, call } = usePortalSession();
  const state = useLoad(() => call(client.GET('/patient/visit-notes')), [client, call]);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('records.title')}
      </Typography.Title>
      <Loaded
        state={state}
        isEmpty={(data) => data.notes.length === 0}
        empty={<EmptyState description={t('records.empty')} />}
      >
        {(data) => (
          <Flex vertical gap={12}>
            {data.notes.map((note) => (
              <NoteCard key={note.id} note={note} />
            ))}
          </Flex>
        )}
      </Loaded>
    </Space>
  );
}

function NoteCard({ note }: { note: VisitNote }) {
  const { t, i18n } = useTranslation('portal');
  const title = t('records.visit', { time: formatInstant(note.visit_time, i18n.language) });
  const fields = [
    ['chiefComplaint', note.chief_complaint],
    ['findings', note.findings],
    ['diagnosis', note.diagnosis],
    ['advice', note.advice],
    ['followUp', note.follow_up_date],
  ] as const;
  return (
    <PortalCard size="small" title={title} aria-label={title}>
      <dl style={{ margin: 0 }}>
        {fields
          .filter(([, value]) => value)
          .map(([key, value]) => (
            <div key={key} style={{ marginBottom: 8 }}>
              <dt style={{ color: 'rgba(0, 0, 0, 0.45)' }}>{t(`records.${key}`)}</dt>
              <dd style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{value}</dd>
            </div>
          ))}
      </dl>
      {note.attachments.length > 0 ? (
        <Flex wrap gap={8} style={{ marginTop: 4 }}>
          {note.attachments.map((attachment, index) => (
            <AttachmentButton key={attachment.id} attachment={attachment} n={index + 1} />
          ))}
        </Flex>
      ) : null}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('records.updated', { time: formatInstant(note.updated_at, i18n.language) })}
      </Typography.Text>
    </PortalCard>
  );
}

/** A file is served only with the patient's token (the session's client adds it), so it is fetched, then shown from memory. */
function AttachmentButton({ attachment, n }: { attachment: Attachment; n: number }) {
  const { t } = useTranslation('portal');
  const { message } = App.useApp();
  const { client } = usePortalSession();
  const kind = attachment.content_type === 'application/pdf' ? t('records.pdf') : t('records.image');
  const open = async () => {
    // Opened before the fetch, inside the click, so a phone's popup blocker lets it through.
    const opened = window.open('', '_blank');
    try {
      const { data, response } = await client.GET('/patient/visit-note-attachments/{id}', {
        params: { path: { id: attachment.id } },
        parseAs: 'blob',
      });
      if (!response.ok || !data) throw new Error(String(response.status));
      const url = URL.createObjectURL(data);
      if (opened) opened.location.href = url;
      else window.location.href = url;
    } catch {
      opened?.close();
      void message.error(t('records.openFailed'));
    }
  };
  return (
    <Button size="small" icon={<FileTextOutlined />} onClick={() => void open()}>
      {t('records.attachment', { n, kind })}
    </Button>
  );
}
