import { PlusOutlined } from '@ant-design/icons';
import {
  type ActionType,
  ModalForm,
  PageContainer,
  ProFormSelect,
  ProFormText,
  ProTable,
} from '@ant-design/pro-components';
import { App, Button, Space, Tag, Typography } from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LinkButton } from '../../ui/LinkButton';
import { useAccess } from '../access';
import { useTableOptionsRender } from '../accessibleChrome';
import { call, messageOf, staffClient } from '../api';
import { DisableStaffSwitch } from '../patients/DisableStaffSwitch';
import { useAction } from '../useAction';
import { useRemote } from '../useRemote';

const PASSWORD_RULE = { min: 8, max: 128 };

/** 员工账号: accounts; create, enable / disable and password reset for roles holding staff:manage. */
export default function StaffPage() {
  const { t } = useTranslation('admin');
  const tableOptionsRender = useTableOptionsRender();
  const { message } = App.useApp();
  const access = useAccess();
  const actionRef = useRef<ActionType>(undefined);
  const canManage = access.can('staff:manage');
  const roles = useRemote(
    () =>
      access.can('staff:roles')
        ? call(() => staffClient.GET('/back_end/api/v1/roles', {})).then((b) => b.roles)
        : Promise.resolve([]),
    [],
  );

  // The catalog's doctors, for linking an account to one (医生工作台).
  const doctors = useRemote(
    () =>
      canManage && access.can('catalogs:view')
        ? call(() =>
            staffClient.GET('/back_end/api/v1/doctors', { params: { query: { include_inactive: false } } }),
          ).then((b) => b.doctors)
        : Promise.resolve([]),
    [],
  );
  const doctorOptions = (doctors.data ?? []).map((d) => ({ value: Number(d.id), label: d.name }));

  const run = useAction(() => actionRef.current?.reload());
  const attempt = (action: () => Promise<unknown>, success: string = t('catalogs.saved')) => run(action, success);

  return (
    <PageContainer title={t('menu.staff-users')}>
      <ProTable
        optionsRender={tableOptionsRender}
        rowKey="id"
        actionRef={actionRef}
        search={{ labelWidth: 'auto' }}
        toolBarRender={() =>
          canManage && (roles.data?.length ?? 0) > 0
            ? [
                <ModalForm
                  key="new"
                  title={t('staff.create')}
                  trigger={
                    <Button type="primary" icon={<PlusOutlined />}>
                      {t('staff.create')}
                    </Button>
                  }
                  modalProps={{ destroyOnHidden: true }}
                  width={420}
                  onFinish={(v: {
                    username: string;
                    display_name: string;
                    password: string;
                    role_id: number;
                    doctor_id?: number;
                  }) => attempt(() => call(() => staffClient.POST('/back_end/api/v1/staff', { body: v })))}
                >
                  <ProFormText
                    name="username"
                    label={t('login.username')}
                    rules={[{ required: true, pattern: /^[A-Za-z0-9_]{3,32}$/, message: t('validation.username') }]}
                  />
                  <ProFormText
                    name="display_name"
                    label={t('staff.displayName')}
                    rules={[{ required: true, max: 50 }]}
                  />
                  <ProFormText.Password
                    name="password"
                    label={t('login.password')}
                    rules={[{ required: true, ...PASSWORD_RULE, message: t('validation.password') }]}
                  />
                  <ProFormSelect
                    name="role_id"
                    label={t('staff.role')}
                    rules={[{ required: true }]}
                    options={(roles.data ?? []).map((r) => ({ value: Number(r.id), label: r.name }))}
                  />
                  <ProFormSelect
                    name="doctor_id"
                    label={t('staffDoctor.doctor')}
                    placeholder={t('staffDoctor.placeholder')}
                    options={doctorOptions}
                    fieldProps={{ allowClear: true, showSearch: true, optionFilterProp: 'label' }}
                  />
                </ModalForm>,
              ]
            : []
        }
        request={async (params) => {
          try {
            const body = await call(() =>
              staffClient.GET('/back_end/api/v1/staff', {
                params: {
                  query: {
                    page: params.current ?? 1,
                    page_size: params.pageSize ?? 20,
                    ...(params.keyword ? { keyword: String(params.keyword) } : {}),
                  },
                },
              }),
            );
            return { data: body.users, total: body.total, success: true };
          } catch (cause) {
            message.error(messageOf(cause));
            return { data: [], total: 0, success: false };
          }
        }}
        columns={[
          { title: t('staff.keyword'), dataIndex: 'keyword', hideInTable: true },
          { title: 'ID', dataIndex: 'id', search: false, width: 70 },
          { title: t('login.username'), dataIndex: 'username', search: false },
          { title: t('staff.displayName'), dataIndex: 'displayName', search: false },
          { title: t('staff.role'), dataIndex: 'roleName', search: false },
          {
            title: t('staffDoctor.doctor'),
            search: false,
            render: (_, row) =>
              row.doctorName ?? <Typography.Text type="secondary">{t('staffDoctor.none')}</Typography.Text>,
          },
          {
            title: t('staff.active'),
            search: false,
            render: (_, row) =>
              canManage ? (
                <DisableStaffSwitch account={row} onDone={() => actionRef.current?.reload()} />
              ) : (
                <Tag color={row.isActive ? 'green' : 'default'}>
                  {row.isActive ? t('catalogs.activeYes') : t('catalogs.activeNo')}
                </Tag>
              ),
          },
          ...(canManage
            ? [
                {
                  title: t('common:actions'),
                  search: false as const,
                  render: (_: unknown, row: { id: string; username: string; doctorId: string | null }) => (
                    <Space size={0}>
                      <ModalForm<{ doctor_id?: number }>
                        title={t('staffDoctor.linkTitle', { name: row.username })}
                        trigger={<LinkButton>{t('staffDoctor.link')}</LinkButton>}
                        modalProps={{ destroyOnHidden: true }}
                        width={420}
                        initialValues={{ doctor_id: row.doctorId === null ? undefined : Number(row.doctorId) }}
                        onFinish={({ doctor_id }) =>
                          attempt(
                            () =>
                              call(() =>
                                staffClient.PATCH('/back_end/api/v1/staff/{id}', {
                                  params: { path: { id: Number(row.id) } },
                                  body: { doctor_id: doctor_id ?? null },
                                }),
                              ),
                            t('staffDoctor.linked', { name: row.username }),
                          )
                        }
                      >
                        <ProFormSelect
                          name="doctor_id"
                          label={t('staffDoctor.doctor')}
                          placeholder={t('staffDoctor.placeholder')}
                          options={doctorOptions}
                          fieldProps={{ allowClear: true, showSearch: true, optionFilterProp: 'label' }}
                        />
                      </ModalForm>
                      <ModalForm<{ password: string; confirm: string }>
                        title={t('staffEdit.resetTitle', { name: row.username })}
                        trigger={<LinkButton>{t('staffEdit.resetPassword')}</LinkButton>}
                        modalProps={{ destroyOnHidden: true }}
                        width={420}
                        onFinish={({ password }) =>
                          attempt(
                            () =>
                              call(() =>
                                staffClient.POST('/back_end/api/v1/staff/{id}/reset-password', {
                                  params: { path: { id: Number(row.id) } },
                                  body: { password },
                                }),
                              ),
                            t('staffEdit.resetDone', { name: row.username }),
                          )
                        }
                      >
                        <ProFormText.Password
                          name="password"
                          label={t('staffEdit.newPassword')}
                          fieldProps={{ autoComplete: 'new-password' }}
                          rules={[{ required: true, ...PASSWORD_RULE, message: t('validation.password') }]}
                        />
                        <ProFormText.Password
                          name="confirm"
                          label={t('staffEdit.confirmPassword')}
                          fieldProps={{ autoComplete: 'new-password' }}
                          dependencies={['password']}
                          rules={[
                            { required: true, message: t('staffEdit.mismatch') },
                            ({ getFieldValue }) => ({
                              validator: (_, value) =>
                                value === getFieldValue('password')
                                  ? Promise.resolve()
                                  : Promise.reject(new Error(t('staffEdit.mismatch'))),
                            }),
                          ]}
                        />
                      </ModalForm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
    </PageContainer>
  );
}
