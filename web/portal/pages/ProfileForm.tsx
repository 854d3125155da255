import { Alert, Button, Form, Input, Radio, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clinicToday } from '../../ui/clinicTime';
import { CodeField, fieldOfError, reasonOf } from '../CodeField';
import type { Profile } from '../format';
import { nameRules, phoneRules } from '../rules';
import { messageOf, usePortalSession } from '../session';

interface ProfileValues {
  phone: string;
  phone_code?: string;
  name: string;
  gender?: 'male' | 'female' | null;
  birth_date?: string;
  address?: string;
  medical_history?: string;
}

/** Today as YYYY-MM-DD in the clinic's calendar (as the server checks it): the latest allowed birth date. */
const todayLocal = (): string => clinicToday();

/** Empty optional fields are sent as null, which the API stores as "cleared". */
const orNull = (value: string | undefined | null): string | null =>
  value && value.trim() !== '' ? value.trim() : null;

export function ProfileForm({
  profile,
  onSaved,
  onCancel,
}: {
  profile: Profile;
  onSaved: (profile: Profile) => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation('portal');
  const { t: tc } = useTranslation('common');
  const { client, call } = usePortalSession();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<ProfileValues>();
  const newPhone = (Form.useWatch('phone', form) ?? profile.phone).trim();

  const save = async (values: ProfileValues) => {
    setSaving(true);
    setError(null);
    try {
      const saved = await call(
        client.PATCH('/patient/patient_manage', {
          body: {
            phone: values.phone.trim(),
            ...(values.phone.trim() !== profile.phone ? { phone_code: values.phone_code?.trim() } : {}),
            name: values.name.trim(),
            gender: values.gender ?? null,
            birth_date: orNull(values.birth_date),
            address: orNull(values.address),
            medical_history: orNull(values.medical_history),
          },
        }),
      );
      onSaved(saved);
    } catch (caught) {
      const text = messageOf(caught, t('profile.saveFailed'));
      if (fieldOfError(text) === 'phone_code') form.setFields([{ name: 'phone_code', errors: [reasonOf(text)] }]);
      else setError(text);
      setSaving(false);
    }
  };

  return (
    <Form<ProfileValues>
      form={form}
      layout="vertical"
      initialValues={{
        phone: profile.phone,
        name: profile.name,
        gender: profile.gender ?? undefined,
        birth_date: profile.birth_date ?? '',
        address: profile.address ?? '',
        medical_history: profile.medical_history ?? '',
      }}
      onFinish={(values) => void save(values)}
    >
      {error ? <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} /> : null}
      <Form.Item label={t('profile.phone')} name="phone" rules={phoneRules(t)}>
        <Input type="tel" inputMode="numeric" autoComplete="tel" maxLength={11} />
      </Form.Item>
      {newPhone !== profile.phone ? (
        <CodeField
          name="phone_code"
          phoneField="phone"
          extra={t('phoneChange.codeHint')}
          send={(phone) =>
            call(
              client.POST('/patient/phone/verification-code', {
                body: { phone, language: i18n.language === 'en' ? 'en' : 'zh-CN' },
              }),
            )
          }
        />
      ) : null}
      <Form.Item label={t('profile.name')} name="name" rules={nameRules(t)}>
        <Input autoComplete="name" maxLength={50} />
      </Form.Item>
      <Form.Item label={t('profile.gender')} name="gender">
        <Radio.Group
          options={[
            { value: 'male', label: t('profile.male') },
            { value: 'female', label: t('profile.female') },
          ]}
        />
      </Form.Item>
      <Form.Item
        label={t('profile.birthDate')}
        name="birth_date"
        rules={[
          {
            validator: (_rule, value: string) =>
              !value || value <= todayLocal()
                ? Promise.resolve()
                : Promise.reject(new Error(t('rules.birthDateFuture'))),
          },
        ]}
      >
        <Input type="date" max={todayLocal()} autoComplete="bday" />
      </Form.Item>
      <Form.Item label={t('profile.address')} name="address">
        <Input maxLength={200} autoComplete="street-address" />
      </Form.Item>
      <Form.Item label={t('profile.medicalHistory')} name="medical_history">
        <Input.TextArea maxLength={2000} showCount autoSize={{ minRows: 3, maxRows: 8 }} />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" loading={saving}>
          {tc('save')}
        </Button>
        <Button onClick={onCancel} disabled={saving}>
          {tc('cancel')}
        </Button>
      </Space>
    </Form>
  );
}
