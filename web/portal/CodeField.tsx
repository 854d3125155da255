import { Button, Form, Input, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { paths } from '../api/schema';
import { messageOf } from './session';

type CodeSent = paths['/patient/verification-codes']['post']['responses'][200]['content']['application/json']['data'];

/** The server's wording for a bad field ("参数不合法: code（验证码错误）") names the field. */
export function fieldOfError(message: string): string | null {
  return /^参数不合法: (\w+)/.exec(message)?.[1] ?? null;
}

/** The reason alone, for a message shown under its field ("验证码错误" rather than "参数不合法: code（验证码错误）"). */
export function reasonOf(message: string): string {
  return /^参数不合法: \w+（(.+)）$/.exec(message)?.[1] ?? message;
}

/**
 * A six-digit code input with its "获取验证码" button. The button first checks the phone field
 * (or takes the fixed phone), asks the server to send the code, then counts down the seconds the
 * server gives before another may be asked for (60). The server's refusals (too many requests,
 * a phone held by another account) are shown under the code field in its own words.
 */
export function CodeField({
  name = 'code',
  phoneField,
  phone,
  required = true,
  extra,
  send,
}: {
  name?: string;
  /** The form field holding the phone the code goes to (validated before sending). */
  phoneField?: string;
  /** Or the phone itself (the signed-in patient's login phone). */
  phone?: string;
  required?: boolean;
  extra?: string;
  send: (phone: string) => Promise<CodeSent>;
}) {
  const { t } = useTranslation('portal');
  const form = Form.useFormInstance();
  const [seconds, setSeconds] = useState(0);
  const [sending, setSending] = useState(false);
  const [sentNote, setSentNote] = useState<string | null>(null);

  useEffect(() => {
    if (seconds <= 0) return;
    const timer = setTimeout(() => setSeconds((left) => left - 1), 1000);
    return () => clearTimeout(timer);
  }, [seconds]);

  const request = async () => {
    let target = phone;
    if (phoneField) {
      try {
        await form.validateFields([phoneField]);
      } catch {
        return;
      }
      target = String(form.getFieldValue(phoneField) ?? '').trim();
    }
    if (!target) return;
    setSending(true);
    form.setFields([{ name, errors: [] }]);
    try {
      const sent = await send(target);
      setSeconds(sent.resend_after > 0 ? sent.resend_after : 60);
      setSentNote(t('code.sent', { minutes: Math.max(1, Math.round(sent.expires_in / 60)) }));
    } catch (caught) {
      setSentNote(null);
      form.setFields([{ name, errors: [reasonOf(messageOf(caught, t('code.send')))] }]);
    } finally {
      setSending(false);
    }
  };

  const rules = [
    ...(required ? [{ required: true, message: t('code.required') }] : []),
    { pattern: /^\d{6}$/, message: t('code.format') },
  ];
  return (
    <Form.Item label={t('code.label')} required={required} extra={sentNote ?? extra}>
      <Space.Compact style={{ width: '100%' }}>
        <Form.Item name={name} noStyle rules={rules}>
          <Input
            aria-label={t('code.label')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            placeholder={t('code.placeholder')}
          />
        </Form.Item>
        <Button onClick={() => void request()} loading={sending} disabled={seconds > 0} style={{ flex: 'none' }}>
          {seconds > 0 ? t('code.resend', { seconds }) : t('code.send')}
        </Button>
      </Space.Compact>
    </Form.Item>
  );
}
