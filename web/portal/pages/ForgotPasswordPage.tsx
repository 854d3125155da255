import { Alert, App, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { CodeField, fieldOfError, reasonOf } from '../CodeField';
import { NewPasswordFields } from '../NewPasswordFields';
import { PortalCard } from '../PortalCard';
import { phoneRules } from '../rules';
import { messageOf, usePortalSession } from '../session';

interface ResetValues {
  phone: string;
  code: string;
  new_password: string;
  confirm: string;
}

/**
 * 忘记密码: a code to the login phone, then a new password. The server ends every session of the
 * account; this browser then signs in with the new password, so the patient is not asked for it twice.
 */
export function ForgotPasswordPage() {
  const { t, i18n } = useTranslation('portal');
  const { message } = App.useApp();
  const { client, call, signIn, signOut } = usePortalSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [form] = Form.useForm<ResetValues>();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const presetPhone = (location.state as { phone?: string } | null)?.phone;

  const submit = async (values: ResetValues) => {
    setSubmitting(true);
    setError(null);
    const phone = values.phone.trim();
    try {
      await call(
        client.POST('/patient/password/reset', {
          body: { phone, code: values.code.trim(), new_password: values.new_password },
        }),
      );
    } catch (caught) {
      const text = messageOf(caught, t('reset.failed'));
      if (fieldOfError(text) === 'code') form.setFields([{ name: 'code', errors: [reasonOf(text)] }]);
      else setError(text);
      setSubmitting(false);
      return;
    }
    // The reset ended every session, this browser's included.
    signOut();
    try {
      const session = await call(client.POST('/patient/login', { body: { phone, password: values.new_password } }));
      signIn(session.token, session.name);
      void message.success(t('reset.done'));
      navigate('/', { replace: true });
    } catch {
      void message.success(t('reset.doneLogin'));
      navigate('/login', { state: { phone } });
    }
  };

  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (
    <PortalCard style={{ maxWidth: 420, margin: '0 auto' }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('reset.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('reset.intro')}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} /> : null}
      <Form<ResetValues>
        form={form}
        layout="vertical"
        initialValues={{ phone: presetPhone }}
        onFinish={(values) => void submit(values)}
      >
        <Form.Item label={t('login.phone')} name="phone" rules={phoneRules(t)}>
          <Input type="tel" inputMode="numeric" autoComplete="username" maxLength={11} />
        </Form.Item>
        <CodeField
          phoneField="phone"
          send={(phone) =>
            call(client.POST('/patient/verification-codes', { body: { phone, purpose: 'reset', language } }))
          }
        />
        <NewPasswordFields name="new_password" label={t('reset.newPassword')} confirmLabel={t('reset.confirm')} />
        <Button type="primary" htmlType="submit" block size="large" loading={submitting}>
          {t('reset.submit')}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
        <Link to="/login">{t('reset.back')}</Link>
      </Typography.Paragraph>
    </PortalCard>
  );
}
