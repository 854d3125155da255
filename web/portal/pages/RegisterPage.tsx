import { Alert, App, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { CodeField, fieldOfError, reasonOf } from '../CodeField';
import { NewPasswordFields } from '../NewPasswordFields';
import { PortalCard } from '../PortalCard';
import { nameRules, phoneRules } from '../rules';
import { messageOf, PortalError, usePortalSession } from '../session';

interface RegisterValues {
  phone: string;
  code?: string;
  name: string;
  password: string;
  confirm: string;
}

/**
 * Registration: the phone, a code proving it (optional: without it the account stays on a record
 * of its own until the phone is verified), name and password. A new patient is signed in at once.
 */
export function RegisterPage() {
  const { t, i18n } = useTranslation('portal');
  const { message } = App.useApp();
  const { client, call, signIn } = usePortalSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<RegisterValues>();
  const [error, setError] = useState<string | null>(null);
  const [taken, setTaken] = useState(false);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (values: RegisterValues) => {
    setSubmitting(true);
    setError(null);
    setTaken(false);
    const phone = values.phone.trim();
    const code = values.code?.trim() || undefined;
    try {
      await call(
        client.POST('/patient/register', {
          body: { phone, name: values.name.trim(), password: values.password, ...(code ? { code } : {}) },
        }),
      );
    } catch (caught) {
      const text = messageOf(caught, t('register.failed'));
      const field = fieldOfError(text);
      if (field === 'code') form.setFields([{ name: 'code', errors: [reasonOf(text)] }]);
      else setError(text);
      setTaken(caught instanceof PortalError && caught.status === 409);
      setSubmitting(false);
      return;
    }
    try {
      const session = await call(client.POST('/patient/login', { body: { phone, password: values.password } }));
      signIn(session.token, session.name);
      void message.success(t('signup.done'));
      navigate('/', { replace: true });
    } catch {
      // Registered, but signing in failed (network): the login page takes it from here.
      void message.success(t('signup.doneLogin'));
      navigate('/login', { state: { phone } });
    }
  };

  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (
    <PortalCard style={{ maxWidth: 420, margin: '0 auto' }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('register.title')}
      </Typography.Title>
      {error ? (
        <Alert
          type="error"
          showIcon
          message={error}
          description={
            taken ? (
              <>
                {t('signup.taken')} <Link to="/forgot-password">{t('signup.toReset')}</Link>
              </>
            ) : undefined
          }
          role="alert"
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Form<RegisterValues> form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item label={t('login.phone')} name="phone" rules={phoneRules(t)}>
          <Input type="tel" inputMode="numeric" autoComplete="tel" maxLength={11} />
        </Form.Item>
        <CodeField
          phoneField="phone"
          required={false}
          extra={t('signup.codeHint')}
          send={(phone) =>
            call(client.POST('/patient/verification-codes', { body: { phone, purpose: 'register', language } }))
          }
        />
        <Form.Item label={t('register.name')} name="name" rules={nameRules(t)}>
          <Input autoComplete="name" maxLength={50} />
        </Form.Item>
        <NewPasswordFields name="password" label={t('login.password')} confirmLabel={t('register.confirmPassword')} />
        <Button type="primary" htmlType="submit" block size="large" loading={submitting}>
          {t('register.submit')}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
        {t('register.hasAccount')} <Link to="/login">{t('register.toLogin')}</Link>
      </Typography.Paragraph>
    </PortalCard>
  );
}
