import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { confirmRules, nameRules, newPasswordRules, phoneRules } from '../rules';
import { messageOf, usePortalSession } from '../session';

interface RegisterValues {
  phone: string;
  name: string;
  password: string;
  confirm: string;
}

export function RegisterPage() {
  const { t } = useTranslation('portal');
  const { message } = App.useApp();
  const { client, call } = usePortalSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (values: RegisterValues) => {
    setSubmitting(true);
    setError(null);
    const phone = values.phone.trim();
    try {
      await call(
        client.POST('/patient/register', { body: { phone, name: values.name.trim(), password: values.password } }),
      );
      void message.success(t('register.done'));
      navigate('/login', { state: { phone } });
    } catch (caught) {
      setError(messageOf(caught, t('register.failed')));
      setSubmitting(false);
    }
  };

  return (
    <Card style={{ maxWidth: 420, margin: '0 auto' }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('register.title')}
      </Typography.Title>
      {error ? <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} /> : null}
      <Form<RegisterValues> layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item label={t('login.phone')} name="phone" rules={phoneRules(t)}>
          <Input type="tel" inputMode="numeric" autoComplete="tel" maxLength={11} />
        </Form.Item>
        <Form.Item label={t('register.name')} name="name" rules={nameRules(t)}>
          <Input autoComplete="name" maxLength={50} />
        </Form.Item>
        <Form.Item label={t('login.password')} name="password" rules={newPasswordRules(t)} hasFeedback>
          <Input.Password autoComplete="new-password" maxLength={128} />
        </Form.Item>
        <Form.Item
          label={t('register.confirmPassword')}
          name="confirm"
          dependencies={['password']}
          rules={confirmRules(t, 'password')}
          hasFeedback
        >
          <Input.Password autoComplete="new-password" maxLength={128} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={submitting}>
          {t('register.submit')}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
        {t('register.hasAccount')} <Link to="/login">{t('register.toLogin')}</Link>
      </Typography.Paragraph>
    </Card>
  );
}
