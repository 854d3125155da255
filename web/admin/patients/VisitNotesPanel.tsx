import { FileOutlined, HistoryOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { ModalForm, ProFormDatePicker, ProFormSelect, ProFormText, ProFormTextArea } from '@ant-design/pro-components';
import { Alert, App, Button, Card, Descriptions, Empty, Modal, Popconfirm, Skeleton, Space, Tag, Timeline } from 'antd';
import dayjs from 'dayjs';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { useAccess } from '../access';
import { ApiError, call, messageOf, staffClient } from '../api';
import { getToken } from '../session';
import { useRemote } from '../useRemote';
import { formatTime } from './patientFormat';

type NoteList = ApiPaths['/back_end/api/v1/visit/{id}/notes']['get']['responses'][200]['content']['application/json'];
type Note = NoteList['notes'][number];
type Version = Omit<
  Note,
  | 'id'
  | 'visitId'
  | 'patientId'
  | 'createdBy'
  | 'createdByName'
  | 'createdAt'
  | 'releasedAt'
  | 'releasedByName'
  | 'attachments'
>;

interface NoteFormValues {
  chief_complaint?: string;
  findings?: string;
  diagnosis_disease_id?: string;
  diagnosis_text?: string;
  advice?: string;
  follow_up_date?: string;
  reason?: string;
}

/** The form's values as the API takes them: an empty field clears (amend) or is not set (write). */
function bodyOf(values: NoteFormValues) {
  const text = (value: string | undefined) => (value?.trim() ? value : null);
  return {
    chief_complaint: text(values.chief_complaint),
    findings: text(values.findings),
    diagnosis_disease_id: values.diagnosis_disease_id ? Number(values.diagnosis_disease_id) : null,
    diagnosis_text: text(values.diagnosis_text),
    advice: text(values.advice),
    follow_up_date: values.follow_up_date ? dayjs(values.follow_up_date).format('YYYY-MM-DD') : null,
  };
}

/** Fetches a file with the staff token and opens it in a new tab (an <a href> would carry no token). */
async function openAttachment(url: string): Promise<void> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${getToken() ?? ''}` } });
  if (!response.ok) throw new ApiError(response.status, undefined, response.statusText);
  const objectUrl = URL.createObjectURL(await response.blob());
  window.open(objectUrl, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(objectUrl), 60_000);
}

function VersionText({ version }: { version: Version }) {
  const { t } = useTranslation('admin');
  const diagnosis = [version.diagnosis.diseaseName, version.diagnosis.text].filter(Boolean).join('；');
  return (
    <Descriptions size="small" column={1} bordered>
      <Descriptions.Item label={t('notes.chiefComplaint')}>{version.chiefComplaint}</Descriptions.Item>
      <Descriptions.Item label={t('notes.findings')}>{version.findings}</Descriptions.Item>
      <Descriptions.Item label={t('notes.diagnosis')}>{diagnosis}</Descriptions.Item>
      <Descriptions.Item label={t('notes.advice')}>{version.advice}</Descriptions.Item>
      <Descriptions.Item label={t('notes.followUpDate')}>{version.followUpDate}</Descriptions.Item>
    </Descriptions>
  );
}

function NoteFields({ diseases, amending }: { diseases: { id: string; name: string }[]; amending: boolean }) {
  const { t } = useTranslation('admin');
  return (
    <>
      <ProFormTextArea name="chief_complaint" label={t('notes.chiefComplaint')} rules={[{ max: 2000 }]} />
      <ProFormTextArea name="findings" label={t('notes.findings')} rules={[{ max: 4000 }]} />
      <ProFormSelect
        name="diagnosis_disease_id"
        label={t('notes.diagnosisDisease')}
        options={diseases.map((disease) => ({ value: disease.id, label: disease.name }))}
        fieldProps={{ showSearch: true, allowClear: true }}
      />
      <ProFormText name="diagnosis_text" label={t('notes.diagnosisText')} rules={[{ max: 1000 }]} />
      <ProFormTextArea name="advice" label={t('notes.advice')} rules={[{ max: 4000 }]} />
      <ProFormDatePicker name="follow_up_date" label={t('notes.followUpDate')} />
      {amending && (
        <ProFormText name="reason" label={t('notes.reason')} rules={[{ required: true, whitespace: true, max: 500 }]} />
      )}
    </>
  );
}

function VersionsButton({ visitId, noteId }: { visitId: number; noteId: number }) {
  const { t } = useTranslation('admin');
  const [open, setOpen] = useState(false);
  const [versions, setVersions] = useState<Version[]>();
  const [error, setError] = useState<string>();
  async function show() {
    setOpen(true);
    setVersions(undefined);
    setError(undefined);
    try {
      const body = await call(() =>
        staffClient.GET('/back_end/api/v1/visit/{id}/notes/{noteId}/versions', {
          params: { path: { id: visitId, noteId } },
        }),
      );
      setVersions(body.versions as Version[]);
    } catch (cause) {
      setError(messageOf(cause));
    }
  }
  return (
    <>
      <Button size="small" icon={<HistoryOutlined />} onClick={show}>
        {t('notes.versions')}
      </Button>
      <Modal open={open} onCancel={() => setOpen(false)} footer={null} title={t('notes.versions')} width={640}>
        {error && <Alert type="error" showIcon message={error} />}
        {!versions && !error && <Skeleton active />}
        {versions && (
          <Timeline
            items={versions.map((version) => ({
              key: version.version,
              children: (
                <div>
                  <strong>{t('notes.versionN', { version: version.version })}</strong> ·{' '}
                  {t('notes.signed', {
                    name: version.writtenByName ?? version.writtenBy,
                    time: formatTime(version.writtenAt),
                  })}
                  {version.reason && (
                    <div>
                      {t('notes.reason')}: {version.reason}
                    </div>
                  )}
                  <VersionText version={version} />
                </div>
              ),
            }))}
          />
        )}
      </Modal>
    </>
  );
}

function NoteCard({
  note,
  diseases,
  onChanged,
}: {
  note: Note;
  diseases: { id: string; name: string }[];
  onChanged: () => void;
}) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const canWrite = useAccess().can('visits:notes_write');
  const fileInput = useRef<HTMLInputElement>(null);
  const visitId = Number(note.visitId);
  const noteId = Number(note.id);

  async function attempt(action: () => Promise<unknown>, success: string) {
    try {
      await action();
      message.success(success);
      onChanged();
      return true;
    } catch (cause) {
      message.error(messageOf(cause));
      return false;
    }
  }
  const amend = (values: NoteFormValues) =>
    attempt(
      () =>
        call(() =>
          staffClient.POST('/back_end/api/v1/visit/{id}/notes/{noteId}/amend', {
            params: { path: { id: visitId, noteId } },
            body: { ...bodyOf(values), reason: values.reason ?? '', expected_version: note.version },
          }),
        ),
      t('notes.amended', { version: note.version + 1 }),
    );
  const release = () =>
    attempt(
      () =>
        call(() =>
          staffClient.POST('/back_end/api/v1/visit/{id}/notes/{noteId}/release', {
            params: { path: { id: visitId, noteId } },
            body: {},
          }),
        ),
      t('notes.releasedDone'),
    );
  async function upload(file: File) {
    const form = new FormData();
    form.append('file', file);
    await attempt(async () => {
      const response = await fetch(`/back_end/api/v1/visit/${visitId}/notes/${noteId}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${getToken() ?? ''}` },
        body: form,
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { msg?: string };
        throw new ApiError(response.status, undefined, body.msg ?? response.statusText);
      }
    }, t('notes.uploaded'));
  }

  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      title={
        <Space wrap>
          <span>{t('notes.versionN', { version: note.version })}</span>
          {note.releasedAt ? (
            <Tag color="green">{t('notes.released', { time: formatTime(note.releasedAt) })}</Tag>
          ) : (
            <Tag>{t('notes.internal')}</Tag>
          )}
        </Space>
      }
      extra={
        <Space wrap>
          <VersionsButton visitId={visitId} noteId={noteId} />
          {canWrite && (
            <ModalForm<NoteFormValues>
              title={t('notes.amendTitle')}
              trigger={<Button size="small">{t('notes.amend')}</Button>}
              initialValues={{
                chief_complaint: note.chiefComplaint ?? undefined,
                findings: note.findings ?? undefined,
                diagnosis_disease_id: note.diagnosis.diseaseId ?? undefined,
                diagnosis_text: note.diagnosis.text ?? undefined,
                advice: note.advice ?? undefined,
                follow_up_date: note.followUpDate ?? undefined,
              }}
              onFinish={amend}
              modalProps={{ destroyOnHidden: true }}
              width={560}
            >
              <NoteFields diseases={diseases} amending />
            </ModalForm>
          )}
          {canWrite && !note.releasedAt && (
            <Popconfirm title={t('notes.releaseConfirm')} onConfirm={release}>
              <Button size="small" type="primary">
                {t('notes.release')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      }
    >
      <VersionText version={note} />
      <div style={{ marginTop: 8, color: 'rgba(0,0,0,0.55)' }}>
        {t('notes.signed', { name: note.writtenByName ?? note.writtenBy, time: formatTime(note.writtenAt) })}
        {note.reason && ` · ${t('notes.reason')}: ${note.reason}`}
      </div>
      <Space wrap style={{ marginTop: 8 }}>
        <span>{t('notes.attachments')}:</span>
        {note.attachments.map((attachment) => (
          <Button
            key={attachment.id}
            size="small"
            icon={<FileOutlined />}
            onClick={() => openAttachment(attachment.url).catch((cause: unknown) => message.error(messageOf(cause)))}
          >
            {attachment.contentType.split('/')[1]} · {Math.ceil(attachment.byteSize / 1024)} KB
          </Button>
        ))}
        {canWrite && (
          <>
            <Button
              size="small"
              icon={<UploadOutlined />}
              onClick={() => fileInput.current?.click()}
              title={t('notes.uploadHint')}
            >
              {t('notes.upload')}
            </Button>
            <input
              ref={fileInput}
              type="file"
              accept="image/jpeg,image/png,image/webp,application/pdf"
              hidden
              onChange={(event) => {
                const file = event.target.files?.[0];
                event.target.value = '';
                if (file) void upload(file);
              }}
            />
          </>
        )}
      </Space>
    </Card>
  );
}

/** 病历 of one visit: its notes (current version), their versions, and writing, amending, releasing. */
export function VisitNotesPanel({ visitId, diseases }: { visitId: string; diseases: { id: string; name: string }[] }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const canWrite = useAccess().can('visits:notes_write');
  const id = Number(visitId);
  const { data, error, loading, reload } = useRemote(
    () => call(() => staffClient.GET('/back_end/api/v1/visit/{id}/notes', { params: { path: { id } } })),
    [id],
  );
  async function write(values: NoteFormValues) {
    const body = bodyOf(values);
    if (Object.values(body).every((value) => value === null)) {
      message.error(t('notes.empty'));
      return false;
    }
    try {
      await call(() => staffClient.POST('/back_end/api/v1/visit/{id}/notes', { params: { path: { id } }, body }));
      message.success(t('notes.saved'));
      reload();
      return true;
    } catch (cause) {
      message.error(messageOf(cause));
      return false;
    }
  }
  return (
    <section aria-label={t('notes.title')}>
      {canWrite && (
        <ModalForm<NoteFormValues>
          title={t('notes.write')}
          trigger={
            <Button size="small" icon={<PlusOutlined />} style={{ marginBottom: 12 }}>
              {t('notes.write')}
            </Button>
          }
          onFinish={write}
          modalProps={{ destroyOnHidden: true }}
          width={560}
        >
          <NoteFields diseases={diseases} amending={false} />
        </ModalForm>
      )}
      {error && <Alert type="error" showIcon message={error} />}
      {loading && !data && <Skeleton active />}
      {data && data.notes.length === 0 && <Empty description={t('notes.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      {data?.notes.map((note) => (
        <NoteCard key={note.id} note={note} diseases={diseases} onChanged={reload} />
      ))}
    </section>
  );
}
