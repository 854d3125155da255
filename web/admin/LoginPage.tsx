import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { removeFirstScreen } from '../first-screen/remove';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { ApiError, call, staffClient } from './api';
import { startSession } from './session';

interface Credentials {
  username: string;
  password: string;
}

/** The seed's sign-in codes as sentences a receptionist understands. */
export function loginErrorText(error: unknown, t: TFunction<'admin'>): string {
  if (!(error instanceof ApiError)) return t('errors.generic');
  switch (error.stateCode) {
    case 40036:
      return t('login.missing');
    case 40035:
      return t('login.invalidFormat');
    case 46004:
      return t('login.noSuchUser');
    case 46005:
      return t('login.wrongPassword');
    case 40301:
      return t('login.disabled');
    case 42901: {
      const fromMessage = /(\d+)\s*分钟/.exec(error.message)?.[1];
      const minutes = error.retryAfterSeconds
        ? Math.ceil(error.retryAfterSeconds / 60)
        : fromMessage
          ? Number(fromMessage)
          : undefined;
      return minutes ? t('login.lockedMinutes', { minutes }) : t('login.locked');
    }
    default:
      return error.message;
  }
}

export default function LoginPage() {
  const { t } = useTranslation('admin');
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);
  // The sign-in form replaces the picture index.html painted, in the same frame (web/first-screen/paint.ts).
  useLayoutEffect(removeFirstScreen, []);

  async function submit(values: Credentials) {
    setSubmitting(true);
    setError(undefined);
    try {
      const { token } = await call(() => staffClient.POST('/back_end/api/v1/token', { body: values }));
      startSession(token, values.username);
      void navigate('/admin/dashboard', { replace: true });
    } catch (cause) {
      setError(loginErrorText(cause, t));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: '#f0f2f5',
      }}
    >
      <Card style={{ width: 380 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('title')}
          </Typography.Title>
          <LanguageSwitch />
        </div>
        {error && <Alert role="alert" type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Form<Credentials> layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false}>
          <Form.Item
            label={t('login.username')}
            name="username"
            rules={[{ required: true, message: t('login.usernameRequired') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            label={t('login.password')}
            name="password"
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
