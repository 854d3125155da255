import { Alert, App, Button, Form, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CodeField, reasonOf } from '../CodeField';
import { messageOf, usePortalSession } from '../session';

/**
 * For an account registered without a code: proving the login phone (a claim) verifies it and,
 * when the clinic holds a record for the phone, brings the account to that record.
 */
export function VerifyPhone({ phone, onVerified }: { phone: string; onVerified: () => void }) {
  const { t, i18n } = useTranslation('portal');
  const { client, call } = usePortalSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ code: string }>();
  const [open, setOpen] = useState(false);
  const [submitting, setSubmitting] = useState(false);

  const submit = async ({ code }: { code: string }) => {
    setSubmitting(true);
    try {
      const result = await call(client.POST('/patient/claim', { body: { code: code.trim() } }));
      void message.success(t(result.record_linked ? 'verify.doneLinked' : 'verify.done'));
      onVerified();
    } catch (caught) {
      form.setFields([{ name: 'code', errors: [reasonOf(messageOf(caught, t('verify.failed')))] }]);
    } finally {
      setSubmitting(false);
    }
  };

  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (
    <Alert
      type="warning"
      showIcon
      message={t('verify.unverified')}
      description={
        <Space direction="vertical" style={{ width: '100%' }}>
          {/* The why, one tap away: on a phone the warning stays two lines above the profile. */}
          <details>
            <summary>{t('verify.why')}</summary>
            {t('verify.unverifiedHint')}
          </details>
          {open ? (
            <Form form={form} layout="vertical" onFinish={(values) => void submit(values)}>
              <CodeField
                phone={phone}
                send={(target) =>
                  call(
                    client.POST('/patient/verification-codes', { body: { phone: target, purpose: 'claim', language } }),
                  )
                }
              />
              <Button type="primary" htmlType="submit" loading={submitting}>
                {t('verify.submit')}
              </Button>
            </Form>
          ) : (
            <Button onClick={() => setOpen(true)}>{t('verify.start')}</Button>
          )}
        </Space>
      }
    />
  );
}
