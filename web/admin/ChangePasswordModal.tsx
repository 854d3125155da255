import { ModalForm, ProFormText } from '@ant-design/pro-components';
import { useTranslation } from 'react-i18next';
import { call, staffClient } from './api';
import { useAction } from './useAction';

interface Values {
  old_password: string;
  new_password: string;
  confirm: string;
}

/**
 * 修改密码 from the user menu: PUT staff/me/password. The API ends the caller's other sessions
 * and keeps this one, so the user stays signed in here.
 */
export function ChangePasswordModal({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { t } = useTranslation('admin');
  const attempt = useAction(() => undefined);
  return (
    <ModalForm<Values>
      title={t('defects.password.title')}
      open={open}
      onOpenChange={onOpenChange}
      modalProps={{ destroyOnHidden: true }}
      width={420}
      onFinish={({ old_password, new_password }) =>
        attempt(
          () =>
            call(() => staffClient.PUT('/back_end/api/v1/staff/me/password', { body: { old_password, new_password } })),
          t('defects.password.done'),
        )
      }
    >
      <ProFormText.Password
        name="old_password"
        label={t('defects.password.old')}
        fieldProps={{ autoComplete: 'current-password' }}
        rules={[{ required: true, max: 128 }]}
      />
      <ProFormText.Password
        name="new_password"
        label={t('defects.password.new')}
        fieldProps={{ autoComplete: 'new-password' }}
        rules={[{ required: true, min: 8, max: 128, message: t('validation.password') }]}
      />
      <ProFormText.Password
        name="confirm"
        label={t('defects.password.confirm')}
        dependencies={['new_password']}
        fieldProps={{ autoComplete: 'new-password' }}
        rules={[
          { required: true, message: t('defects.password.mismatch') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || value === getFieldValue('new_password')
                ? Promise.resolve()
                : Promise.reject(new Error(t('defects.password.mismatch'))),
          }),
        ]}
      />
    </ModalForm>
  );
}
