import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { confirmRules, newPasswordRules } from './rules';

/**
 * A new password typed twice, checked as the server checks it (registration, change, reset): the
 * browser's password manager is told it is a new one.
 */
export function NewPasswordFields({
  name,
  label,
  confirmLabel,
}: {
  name: 'password' | 'new_password';
  label: string;
  confirmLabel: string;
}) {
  const { t } = useTranslation('portal');
  return (
    <>
      <Form.Item label={label} name={name} rules={newPasswordRules(t)} hasFeedback>
        <Input.Password autoComplete="new-password" maxLength={128} />
      </Form.Item>
      <Form.Item label={confirmLabel} name="confirm" dependencies={[name]} rules={confirmRules(t, name)} hasFeedback>
        <Input.Password autoComplete="new-password" maxLength={128} />
      </Form.Item>
    </>
  );
}
