import { Alert, App, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { PortalCard } from '../PortalCard';
import { messageOf, usePortalSession } from '../session';

interface LoginValues {
  phone: string;
  password: string;
}

/** Where to go after logging in: the page that asked for it, never an API path or another site. */
function returnPath(state: unknown): string {
  const from = state && typeof state === 'object' && 'from' in state ? (state as { from: unknown }).from : undefined;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && !from.startsWith('/login')
    ? from
    : '/';
}

export function LoginPage() {
  const { t } = useTranslation('portal');
  const { message } = App.useApp();
  const { client, call, signIn } = usePortalSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const presetPhone = (location.state as { phone?: string } | null)?.phone;

  const submit = async (values: LoginValues) => {
    setSubmitting(true);
    setError(null);
    try {
      const data = await call(
        client.POST('/patient/login', { body: { phone: values.phone.trim(), password: values.password } }),
      );
      signIn(data.token, data.name);
      void message.success(t('login.done'));
      navigate(returnPath(location.state), { replace: true });
    } catch (caught) {
      setError(messageOf(caught, t('login.failed')));
      setSubmitting(false);
    }
  };

  return (
    <PortalCard style={{ maxWidth: 420, margin: '0 auto' }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('login.title')}
      </Typography.Title>
      {error ? <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} /> : null}
      <Form<LoginValues>
        layout="vertical"
        requiredMark={false}
        initialValues={{ phone: presetPhone }}
        onFinish={(values) => void submit(values)}
      >
        <Form.Item
          label={t('login.phone')}
          name="phone"
          rules={[{ required: true, whitespace: true, message: t('rules.phoneRequired') }]}
        >
          <Input type="tel" inputMode="numeric" autoComplete="username" maxLength={20} />
        </Form.Item>
        <Form.Item
          label={t('login.password')}
          name="password"
          rules={[{ required: true, message: t('rules.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" maxLength={128} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={submitting}>
          {t('login.submit')}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
        {t('login.noAccount')} <Link to="/register">{t('login.toRegister')}</Link>
      </Typography.Paragraph>
      <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0, textAlign: 'center' }}>
        <Link to="/forgot-password">{t('reset.link')}</Link>
      </Typography.Paragraph>
    </PortalCard>
  );
}
