import { type ActionType, PageContainer, ProTable } from '@ant-design/pro-components';
import { App, Form, Input, Modal, Popconfirm, Space, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { formatClinicTime } from '../../ui/clinicTime';
import { LinkButton } from '../../ui/LinkButton';
import { useAccess } from '../access';
import { useTableOptionsRender } from '../accessibleChrome';
import { call, messageOf, staffClient } from '../api';
import { CHANNELS, EVENTS } from './NotificationLogPage';

type TemplatesAnswer =
  ApiPaths['/back_end/api/v1/notifications/templates']['get']['responses'][200]['content']['application/json'];
type Template = TemplatesAnswer['templates'][number];
type EventInfo = TemplatesAnswer['events'][number];

interface EditValues {
  subject?: string;
  body: string;
  provider_template?: string;
  sign_name?: string;
}

const FIELDS = ['subject', 'body', 'provider_template', 'sign_name'] as const;

/** The server names the field it refuses ("参数不合法: body（未知占位符 {x}）"): the error goes under it. */
const fieldOf = (text: string) => FIELDS.find((field) => field === /^参数不合法: (\w+)/.exec(text)?.[1]);

/**
 * 消息模板: one per event × language × channel. The editor lists the event's placeholders (the
 * required ones bold); the server checks them on save and its answer is shown on the field.
 */
export default function NotificationTemplatesPage() {
  const { t } = useTranslation('admin');
  const tableOptionsRender = useTableOptionsRender();
  const { message } = App.useApp();
  const access = useAccess();
  const canEdit = access.can('notifications:manage');
  const actionRef = useRef<ActionType>(undefined);
  const [events, setEvents] = useState<EventInfo[]>([]);
  const [editing, setEditing] = useState<Template | null>(null);

  const reset = async (template: Template) => {
    try {
      await call(() =>
        staffClient.POST('/back_end/api/v1/notifications/templates/{id}/reset', {
          params: { path: { id: Number(template.id) } },
          body: {},
        }),
      );
      message.success(t('templates.resetDone'));
      actionRef.current?.reload();
    } catch (cause) {
      message.error(messageOf(cause));
    }
  };

  return (
    <PageContainer title={t('menu.notification-templates')}>
      <ProTable<Template>
        rowKey="id"
        actionRef={actionRef}
        search={{ labelWidth: 'auto', defaultCollapsed: false }}
        optionsRender={tableOptionsRender}
        pagination={{ pageSize: 20 }}
        scroll={{ x: 1100 }}
        request={async (params) => {
          try {
            const body = await call(() => staffClient.GET('/back_end/api/v1/notifications/templates'));
            setEvents(body.events);
            const rows = body.templates.filter(
              (row) =>
                (!params.event || row.event === params.event) &&
                (!params.language || row.language === params.language) &&
                (!params.channel || row.channel === params.channel),
            );
            return { data: rows, total: rows.length, success: true };
          } catch (cause) {
            message.error(messageOf(cause));
            return { data: [], total: 0, success: false };
          }
        }}
        columns={[
          {
            title: t('templates.event'),
            dataIndex: 'event',
            valueType: 'select',
            width: 120,
            valueEnum: Object.fromEntries(EVENTS.map((e) => [e, { text: t(`messageEvents.${e}`) }])),
          },
          {
            title: t('templates.language'),
            dataIndex: 'language',
            valueType: 'select',
            width: 80,
            valueEnum: { 'zh-CN': { text: t('messageLanguages.zh-CN') }, en: { text: t('messageLanguages.en') } },
          },
          {
            title: t('templates.channel'),
            dataIndex: 'channel',
            valueType: 'select',
            width: 80,
            valueEnum: Object.fromEntries(CHANNELS.map((c) => [c, { text: t(`messageChannels.${c}`) }])),
          },
          {
            title: t('templates.body'),
            dataIndex: 'body',
            search: false,
            render: (_, row) => (
              <Typography.Text ellipsis={{ tooltip: row.body }} style={{ maxWidth: 360 }}>
                {row.subject ? `${row.subject}：` : ''}
                {row.body}
              </Typography.Text>
            ),
          },
          {
            title: t('templates.providerTemplate'),
            search: false,
            width: 160,
            render: (_, row) =>
              row.channel === 'email' ? (
                '—'
              ) : (
                <Space size={4} wrap>
                  {row.providerTemplate ?? <Tag>{t('templates.notSet')}</Tag>}
                  {row.channel === 'sms' && (row.signName ? `【${row.signName}】` : null)}
                </Space>
              ),
          },
          {
            title: t('templates.updated'),
            search: false,
            width: 170,
            render: (_, row) =>
              row.updatedBy ? `${formatClinicTime(row.updatedAt)} ${row.updatedBy}` : t('templates.defaultTemplate'),
          },
          {
            title: t('common:actions'),
            search: false,
            width: 150,
            fixed: 'right',
            hideInTable: !canEdit,
            render: (_, row) => (
              <Space>
                <LinkButton onClick={() => setEditing(row)}>{t('templates.edit')}</LinkButton>
                <Popconfirm title={t('templates.resetConfirm')} onConfirm={() => reset(row)}>
                  <LinkButton>{t('templates.reset')}</LinkButton>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <TemplateEditor
          template={editing}
          info={events.find((e) => e.event === editing.event)}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            actionRef.current?.reload();
          }}
        />
      )}
    </PageContainer>
  );
}

function TemplateEditor({
  template,
  info,
  onClose,
  onSaved,
}: {
  template: Template;
  info: EventInfo | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const [form] = Form.useForm<EditValues>();
  const [saving, setSaving] = useState(false);

  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      await call(() =>
        staffClient.PUT('/back_end/api/v1/notifications/templates/{id}', {
          params: { path: { id: Number(template.id) } },
          body: {
            body: values.body,
            ...(template.channel === 'email' ? { subject: values.subject ?? '' } : {}),
            ...(template.channel !== 'email' ? { provider_template: values.provider_template?.trim() ?? '' } : {}),
            ...(template.channel === 'sms' ? { sign_name: values.sign_name?.trim() ?? '' } : {}),
          },
        }),
      );
      message.success(t('templates.saved'));
      onSaved();
    } catch (cause) {
      const text = messageOf(cause);
      const field = fieldOf(text);
      // Under its field the reason alone reads plainly ("未知占位符 {x}", not "参数不合法: body（…）").
      if (field) form.setFields([{ name: field, errors: [/（(.+)）$/.exec(text)?.[1] ?? text] }]);
      else message.error(text);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      width={640}
      title={t('templates.editTitle', {
        event: t(`messageEvents.${template.event as (typeof EVENTS)[number]}`),
        language: t(`messageLanguages.${template.language as 'zh-CN' | 'en'}`),
        channel: t(`messageChannels.${template.channel as (typeof CHANNELS)[number]}`),
      })}
      okText={t('common:save')}
      confirmLoading={saving}
      onOk={() => void save().catch(() => undefined)}
      onCancel={onClose}
    >
      {info && (
        <div data-testid="placeholders" style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
            {info.description}
            {info.security ? `（${t('templates.security')}）` : ''}
          </Typography.Paragraph>
          <Typography.Text>{t('templates.placeholders')}</Typography.Text>
          <div style={{ marginTop: 4 }}>
            {info.placeholders.map((p) => (
              <Tag key={p.name} color={p.required ? 'blue' : undefined} title={p.description}>
                {p.required ? <strong>{`{${p.name}}`}</strong> : `{${p.name}}`} {p.description}
              </Tag>
            ))}
          </div>
        </div>
      )}
      <Form<EditValues>
        form={form}
        layout="vertical"
        initialValues={{
          subject: template.subject ?? '',
          body: template.body,
          provider_template: template.providerTemplate ?? '',
          sign_name: template.signName ?? '',
        }}
      >
        {template.channel === 'email' && (
          <Form.Item name="subject" label={t('templates.subject')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={200} />
          </Form.Item>
        )}
        <Form.Item name="body" label={t('templates.body')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea maxLength={2000} showCount autoSize={{ minRows: 3, maxRows: 10 }} />
        </Form.Item>
        {template.channel !== 'email' && (
          <Form.Item
            name="provider_template"
            label={t(template.channel === 'sms' ? 'templates.providerTemplateSms' : 'templates.providerTemplateWechat')}
            extra={t('templates.providerHint')}
          >
            <Input maxLength={64} />
          </Form.Item>
        )}
        {template.channel === 'sms' && (
          <Form.Item name="sign_name" label={t('templates.signName')}>
            <Input maxLength={40} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
