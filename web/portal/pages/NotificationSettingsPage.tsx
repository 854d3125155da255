import { Alert, App, Button, Form, Input, Popconfirm, Select, Space, Switch, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import type { paths } from '../../api/schema';
import { PortalCard } from '../PortalCard';
import { messageOf, usePortalSession } from '../session';
import { Loaded, useLoad } from '../states';

type Settings = paths['/patient/notification-settings']['get']['responses'][200]['content']['application/json']['data'];

interface SettingsValues {
  reminders: boolean;
  sms: boolean;
  language: 'zh-CN' | 'en';
  email?: string;
  email_enabled: boolean;
  wechat: boolean;
}

/**
 * 通知设置: reminders, SMS, the language of messages, email and WeChat. Security messages are
 * not a setting (the server always sends them), which the page says. WeChat sends the patient
 * back here with ?code=&state= after authorising; the page then finishes the link.
 */
export function NotificationSettingsPage() {
  const { t } = useTranslation('portal');
  const { client, call } = usePortalSession();
  const location = useLocation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [linkError, setLinkError] = useState<string | null>(null);
  const linking = useRef(false);
  const state = useLoad(() => call(client.GET('/patient/notification-settings')), [client, call]);
  const [current, setCurrent] = useState<Settings | null>(null);

  useEffect(() => {
    const params = new URLSearchParams(location.search);
    const code = params.get('code');
    const oauthState = params.get('state');
    if (!code || !oauthState || linking.current) return;
    linking.current = true;
    call(client.POST('/patient/wechat/link', { body: { code, state: oauthState } }))
      .then((settings) => {
        setCurrent(settings);
        void message.success(t('notify.wechatLinkDone'));
      })
      .catch((caught: unknown) => setLinkError(messageOf(caught, t('notify.failed'))))
      .finally(() => navigate('/notifications', { replace: true }));
  }, [location.search, call, client, message, navigate, t]);

  return (
    <PortalCard
      style={{ maxWidth: 560, margin: '0 auto' }}
      title={
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('notify.title')}
        </Typography.Title>
      }
    >
      {linkError ? <Alert type="error" showIcon message={linkError} role="alert" style={{ marginBottom: 16 }} /> : null}
      <Loaded state={state}>{(loaded) => <SettingsForm settings={current ?? loaded} onSaved={setCurrent} />}</Loaded>
    </PortalCard>
  );
}

function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: (settings: Settings) => void }) {
  const { t } = useTranslation('portal');
  const { t: tc } = useTranslation('common');
  const { client, call } = usePortalSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<SettingsValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    form.setFieldsValue({
      ...settings,
      language: settings.language === 'en' ? 'en' : 'zh-CN',
      email: settings.email ?? '',
    });
  }, [form, settings]);

  const save = async (values: SettingsValues) => {
    setSaving(true);
    setError(null);
    try {
      const email = values.email?.trim() ?? '';
      const saved = await call(
        client.PUT('/patient/notification-settings', {
          body: {
            reminders: values.reminders,
            sms: values.sms,
            language: values.language,
            email: email === '' ? null : email,
            email_enabled: email === '' ? false : values.email_enabled,
            ...(settings.wechat_linked ? { wechat: values.wechat } : {}),
          },
        }),
      );
      onSaved(saved);
      void message.success(t('notify.saved'));
    } catch (caught) {
      setError(messageOf(caught, t('notify.failed')));
    } finally {
      setSaving(false);
    }
  };

  const linkWeChat = async () => {
    try {
      const { url } = await call(client.GET('/patient/wechat/authorize-url'));
      window.location.assign(url);
    } catch (caught) {
      setError(messageOf(caught, t('notify.failed')));
    }
  };

  const unlinkWeChat = async () => {
    try {
      onSaved(await call(client.DELETE('/patient/wechat/link')));
      void message.success(t('notify.wechatUnlinkDone'));
    } catch (caught) {
      setError(messageOf(caught, t('notify.failed')));
    }
  };

  return (
    <Form<SettingsValues> form={form} layout="vertical" onFinish={(values) => void save(values)}>
      <Alert type="info" showIcon message={t('notify.security')} style={{ marginBottom: 16 }} />
      {error ? <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} /> : null}
      <Form.Item
        label={t('notify.reminders')}
        name="reminders"
        valuePropName="checked"
        extra={t('notify.remindersHint')}
      >
        <Switch />
      </Form.Item>
      <Form.Item label={t('notify.sms')} name="sms" valuePropName="checked" extra={t('notify.smsHint')}>
        <Switch />
      </Form.Item>
      <Form.Item label={t('notify.language')} name="language">
        <Select
          options={[
            { value: 'zh-CN', label: '中文' },
            { value: 'en', label: 'English' },
          ]}
        />
      </Form.Item>
      <Form.Item label={t('notify.email')} name="email" rules={[{ type: 'email', message: t('notify.emailFormat') }]}>
        <Input type="email" autoComplete="email" maxLength={254} />
      </Form.Item>
      <Form.Item label={t('notify.emailEnabled')} name="email_enabled" valuePropName="checked">
        <Switch />
      </Form.Item>
      <Form.Item label={t('notify.wechat')}>
        <Space wrap>
          {settings.wechat_linked ? (
            <>
              <Tag color="green">{t('notify.wechatLinked')}</Tag>
              <Form.Item name="wechat" valuePropName="checked" noStyle>
                <Switch aria-label={t('notify.wechat')} />
              </Form.Item>
              <Popconfirm title={t('notify.wechatUnlinkConfirm')} onConfirm={() => void unlinkWeChat()}>
                <Button size="small">{t('notify.wechatUnlink')}</Button>
              </Popconfirm>
            </>
          ) : settings.wechat_available ? (
            <>
              <Tag>{t('notify.wechatNotLinked')}</Tag>
              <Button size="small" onClick={() => void linkWeChat()}>
                {t('notify.wechatLink')}
              </Button>
            </>
          ) : (
            <Typography.Text type="secondary">{t('notify.wechatUnavailable')}</Typography.Text>
          )}
        </Space>
      </Form.Item>
      <Button type="primary" htmlType="submit" block size="large" loading={saving}>
        {tc('save')}
      </Button>
    </Form>
  );
}
