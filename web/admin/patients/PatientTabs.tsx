import { PlusOutlined } from '@ant-design/icons';
import {
  ModalForm,
  ProFormDatePicker,
  ProFormDateTimePicker,
  ProFormText,
  ProFormTextArea,
} from '@ant-design/pro-components';
import { Alert, App, Button, Empty, Skeleton, Table, Tag, Timeline } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { clinicNowPicker, formatClinicInstant, pickerToUnix } from '../../ui/clinicTime';
import { useAccess } from '../access';
import { call, messageOf, staffClient } from '../api';
import { AuditDetails, actionName, outcomeName } from '../auditFormat';
import { useRemote } from '../useRemote';
import { formatTime } from './patientFormat';
import { VisitNotesPanel } from './VisitNotesPanel';

/** The tabs of the patient drawer, each loading its own list with loading / empty / error states. */
function Loading({ error, loading }: { error?: string; loading: boolean }) {
  if (error) return <Alert type="error" showIcon message={error} />;
  return loading ? <Skeleton active /> : null;
}

export function FollowUpsTab({ patientId }: { patientId: string }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const canAdd = useAccess().can('patients:edit');
  const id = Number(patientId);
  const { data, error, loading, reload } = useRemote(
    () =>
      call(() =>
        staffClient.GET('/back_end/api/v1/patient/{id}/follow-ups', {
          params: { path: { id }, query: { page: 1, page_size: 50 } },
        }),
      ),
    [id],
  );
  async function add(values: { contact_time: string; way: string; content: string; next_follow_up_date?: string }) {
    try {
      await call(() =>
        staffClient.POST('/back_end/api/v1/patient/{id}/follow-ups', {
          params: { path: { id } },
          body: {
            contact_time: pickerToUnix(values.contact_time),
            way: values.way,
            content: values.content,
            next_follow_up_date: values.next_follow_up_date
              ? dayjs(values.next_follow_up_date).format('YYYY-MM-DD')
              : null,
          },
        }),
      );
      message.success(t('followUps.added'));
      reload();
      return true;
    } catch (cause) {
      message.error(messageOf(cause));
      return false;
    }
  }
  return (
    <>
      {canAdd && (
        <ModalForm
          title={t('followUps.add')}
          trigger={
            <Button icon={<PlusOutlined />} style={{ marginBottom: 16 }}>
              {t('followUps.add')}
            </Button>
          }
          initialValues={{ contact_time: clinicNowPicker(), way: t('followUps.phone') }}
          onFinish={add}
          modalProps={{ destroyOnHidden: true }}
          width={480}
        >
          <ProFormDateTimePicker
            name="contact_time"
            label={t('followUps.contactTime')}
            rules={[{ required: true }]}
            fieldProps={{ disabledDate: (d) => d.isAfter(clinicNowPicker()) }}
          />
          <ProFormText name="way" label={t('followUps.way')} rules={[{ required: true, max: 20 }]} />
          <ProFormTextArea name="content" label={t('followUps.content')} rules={[{ required: true, max: 2000 }]} />
          <ProFormDatePicker name="next_follow_up_date" label={t('followUps.next')} />
        </ModalForm>
      )}
      <Loading error={error} loading={loading} />
      {data && data.followUps.length === 0 && <Empty description={t('followUps.none')} />}
      {data && data.followUps.length > 0 && (
        <Timeline
          items={data.followUps.map((entry) => ({
            key: entry.id,
            children: (
              <div>
                <strong>{formatTime(entry.contactTime)}</strong> · {entry.way} · {entry.staffName}
                <div>{entry.content}</div>
                {entry.nextFollowUpDate && (
                  <Tag color="blue">{t('followUps.nextOn', { date: entry.nextFollowUpDate })}</Tag>
                )}
              </div>
            ),
          }))}
        />
      )}
    </>
  );
}

export function VisitsTab({
  patientId,
  version,
  diseases = [],
}: {
  patientId: string;
  version: number;
  /** The catalog's diseases, offered as the diagnosis of a visit note. */
  diseases?: { id: string; name: string }[];
}) {
  const { t } = useTranslation('admin');
  const canViewNotes = useAccess().can('visits:notes_view');
  const id = Number(patientId);
  const { data, error, loading } = useRemote(
    () => call(() => staffClient.GET('/back_end/api/v1/patient/{id}/visits', { params: { path: { id } } })),
    [id, version],
  );
  if (!data) return <Loading error={error} loading={loading} />;
  return (
    <Table
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={data.visits}
      locale={{ emptyText: t('visits.none') }}
      expandable={
        canViewNotes
          ? {
              expandedRowRender: (v) => <VisitNotesPanel visitId={v.id} diseases={diseases} />,
              columnTitle: t('notes.title'),
            }
          : undefined
      }
      columns={[
        { title: t('visits.time'), render: (_, v) => formatTime(v.visitTime) },
        { title: t('visits.type'), render: (_, v) => t(`visits.${v.visitType}`) },
        { title: t('fields.doctor'), dataIndex: 'doctorName' },
        { title: t('fields.spend'), dataIndex: 'spend' },
        { title: t('visits.recordedBy'), dataIndex: 'recordedByName' },
      ]}
    />
  );
}

export function AppointmentsTab({ patientId }: { patientId: string }) {
  const { t } = useTranslation('admin');
  const id = Number(patientId);
  const { data, error, loading } = useRemote(
    () => call(() => staffClient.GET('/back_end/api/v1/appointment', { params: { query: { patient_id: id } } })),
    [id],
  );
  if (!data) return <Loading error={error} loading={loading} />;
  return (
    <Table
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={data.appointments}
      locale={{ emptyText: t('appointments.none') }}
      columns={[
        { title: t('appointments.date'), render: (_, a) => `${a.date} ${t(`appointments.periods.${a.period}`)}` },
        { title: t('fields.doctor'), dataIndex: 'doctorName' },
        { title: t('fields.department'), dataIndex: 'departmentName' },
        { title: t('appointments.status'), render: (_, a) => t(`appointments.statuses.${a.status}`) },
        { title: t('appointments.source'), render: (_, a) => t(`appointments.sources.${a.source}`) },
      ]}
    />
  );
}

export function AuditTab({ patientId }: { patientId: string }) {
  const { t } = useTranslation('admin');
  const { data, error, loading } = useRemote(
    () =>
      call(() =>
        staffClient.GET('/back_end/api/v1/logs', {
          params: { query: { page: 1, page_size: 50, target_type: 'patient', target_id: patientId } },
        }),
      ),
    [patientId],
  );
  if (!data) return <Loading error={error} loading={loading} />;
  return (
    <Table
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={data.entries}
      locale={{ emptyText: t('audit.none') }}
      columns={[
        { title: t('audit.time'), render: (_, e) => formatClinicInstant(e.occurredAt) },
        {
          title: t('audit.actor'),
          render: (_, e) => e.actorDisplayName ?? e.actorUsername ?? e.actorLabel ?? e.actorType,
        },
        { title: t('audit.action'), render: (_, e) => actionName(t, e.action) },
        { title: t('audit.outcome'), render: (_, e) => outcomeName(t, e.outcome) },
        { title: t('audit.details'), render: (_, e) => <AuditDetails t={t} details={e.details} /> },
      ]}
    />
  );
}
