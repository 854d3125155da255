import { Alert, App, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NewPasswordFields } from '../NewPasswordFields';
import { PortalCard } from '../PortalCard';
import { messageOf, usePortalSession } from '../session';

interface PasswordValues {
  old_password: string;
  new_password: string;
  confirm: string;
}

export function PasswordPage() {
  const { t } = useTranslation('portal');
  const { message } = App.useApp();
  const { client, call } = usePortalSession();
  const [form] = Form.useForm<PasswordValues>();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (values: PasswordValues) => {
    setSubmitting(true);
    setError(null);
    try {
      await call(
        client.PUT('/patient/password', {
          body: { old_password: values.old_password, new_password: values.new_password },
        }),
      );
      form.resetFields();
      void message.success(t('password.done'));
    } catch (caught) {
      setError(messageOf(caught, t('password.failed')));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <PortalCard style={{ maxWidth: 420, margin: '0 auto' }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('password.title')}
      </Typography.Title>
      {error ? <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} /> : null}
      <Form<PasswordValues> form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item
          label={t('password.old')}
          name="old_password"
          rules={[{ required: true, message: t('rules.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" maxLength={128} />
        </Form.Item>
        <NewPasswordFields name="new_password" label={t('password.new')} confirmLabel={t('password.confirm')} />
        <Button type="primary" htmlType="submit" block size="large" loading={submitting}>
          {t('password.submit')}
        </Button>
      </Form>
    </PortalCard>
  );
}
