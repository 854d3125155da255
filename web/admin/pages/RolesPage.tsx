import { PlusOutlined } from '@ant-design/icons';
import { ModalForm, PageContainer, ProCard, ProFormText } from '@ant-design/pro-components';
import { Alert, Button, Empty, List, Popconfirm, Skeleton, Space, Tree } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAccess } from '../access';
import { call, staffClient } from '../api';
import { useAction, useSubmit } from '../useAction';
import { useRemote } from '../useRemote';

/** The tree shows actions; a module key is granted whenever any of its actions is (it unlocks the menu entry). */
function withModules(actions: string[]): string[] {
  return [...new Set(actions.flatMap((key) => [key.split(':')[0] ?? key, key]))];
}

/** 角色权限: roles on the left, the role's permission tree (module → action) on the right. */
export default function RolesPage() {
  const { t, i18n } = useTranslation('admin');
  const canManage = useAccess().can('staff:roles');
  // The server names permissions in Chinese; English has its own names. Read from the bundle: the keys hold ':',
  // which t() would take for a namespace.
  const permissionNames = (i18n.getResource(i18n.language, 'admin', 'defects.permissions') ?? {}) as Record<
    string,
    string
  >;
  const roles = useRemote(() => call(() => staffClient.GET('/back_end/api/v1/roles', {})).then((b) => b.roles), []);
  const [roleId, setRoleId] = useState<string>();
  const tree = useRemote(
    () =>
      roleId
        ? call(() =>
            staffClient.GET('/back_end/api/v1/roles/{id}/permissions', { params: { path: { id: Number(roleId) } } }),
          ).then((b) => b.permissions)
        : Promise.resolve(undefined),
    [roleId],
  );
  const [checked, setChecked] = useState<string[]>([]);
  const { saving, submit } = useSubmit(() => tree.reload());
  useEffect(() => {
    // Leaves only: antd derives a module's check mark from its actions.
    setChecked(
      (tree.data ?? []).flatMap((module) =>
        module.children.length === 0
          ? module.checked
            ? [module.key]
            : []
          : module.children.filter((a) => a.checked).map((a) => a.key),
      ),
    );
  }, [tree.data]);

  async function save() {
    if (!roleId) return;
    await submit(
      () =>
        call(() =>
          staffClient.PUT('/back_end/api/v1/roles/{id}/permissions', {
            params: { path: { id: Number(roleId) } },
            body: { keys: withModules(checked) },
          }),
        ),
      t('roles.saved'),
    );
  }

  /** Errors (a name in use, a role still held by accounts: 409) are shown with the server's message. */
  const attempt = useAction(() => roles.reload());

  const role = roles.data?.find((r) => r.id === roleId);
  const roleActions = role && canManage && (
    <Space>
      <ModalForm<{ name: string }>
        title={t('rolesEdit.renameTitle', { name: role.name })}
        trigger={<Button>{t('rolesEdit.rename')}</Button>}
        modalProps={{ destroyOnHidden: true }}
        width={380}
        initialValues={{ name: role.name }}
        onFinish={(v) =>
          attempt(
            () =>
              call(() =>
                staffClient.PATCH('/back_end/api/v1/roles/{id}', {
                  params: { path: { id: Number(role.id) } },
                  body: { name: v.name.trim() },
                }),
              ),
            t('rolesEdit.renamed'),
          )
        }
      >
        <ProFormText name="name" label={t('roles.name')} rules={[{ required: true, whitespace: true, max: 32 }]} />
      </ModalForm>
      {!role.builtinKey && (
        <Popconfirm
          title={t('rolesEdit.deleteConfirm', { name: role.name })}
          onConfirm={async () => {
            if (
              await attempt(
                () =>
                  call(() =>
                    staffClient.DELETE('/back_end/api/v1/roles/{id}', {
                      params: { path: { id: Number(role.id) } },
                      body: {},
                    }),
                  ),
                t('rolesEdit.deleted', { name: role.name }),
              )
            )
              setRoleId(undefined);
          }}
        >
          <Button danger>{t('rolesEdit.delete')}</Button>
        </Popconfirm>
      )}
      {!role.builtinKey && (
        <Button type="primary" loading={saving} onClick={() => void save()}>
          {t('common:save')}
        </Button>
      )}
    </Space>
  );
  return (
    <PageContainer title={t('menu.roles')}>
      {roles.error && <Alert type="error" showIcon message={roles.error} />}
      <ProCard split="vertical" bordered>
        <ProCard
          colSpan="280px"
          title={t('roles.list')}
          extra={
            canManage && (
              <ModalForm
                title={t('roles.create')}
                trigger={
                  <Button size="small" icon={<PlusOutlined />}>
                    {t('roles.create')}
                  </Button>
                }
                modalProps={{ destroyOnHidden: true }}
                width={380}
                onFinish={(v: { name: string }) =>
                  attempt(
                    () => call(() => staffClient.POST('/back_end/api/v1/roles', { body: { name: v.name.trim() } })),
                    t('rolesEdit.created'),
                  )
                }
              >
                <ProFormText
                  name="name"
                  label={t('roles.name')}
                  rules={[{ required: true, whitespace: true, max: 32 }]}
                />
              </ModalForm>
            )
          }
        >
          {roles.loading && !roles.data ? (
            <Skeleton active />
          ) : (
            <List
              dataSource={roles.data ?? []}
              renderItem={(r) => (
                <List.Item
                  style={{ cursor: 'pointer', background: r.id === roleId ? '#e6f4ff' : undefined, paddingInline: 8 }}
                  onClick={() => setRoleId(r.id)}
                >
                  <List.Item.Meta title={r.name} description={t('roles.userCount', { count: r.userCount })} />
                </List.Item>
              )}
            />
          )}
        </ProCard>
        <ProCard
          title={role ? t('roles.permissionsOf', { name: role.name }) : t('roles.permissions')}
          extra={roleActions}
        >
          {!roleId && <Empty description={t('roles.pick')} />}
          {tree.error && <Alert type="error" showIcon message={tree.error} />}
          {role?.builtinKey && <Alert type="info" showIcon message={t('roles.builtin')} style={{ marginBottom: 12 }} />}
          {roleId && tree.data && (
            <Tree
              checkable
              defaultExpandAll
              disabled={Boolean(role?.builtinKey) || !canManage}
              checkedKeys={checked}
              onCheck={(keys) => {
                const leaves = new Set(
                  tree.data!.flatMap((module) =>
                    module.children.length === 0 ? [module.key] : module.children.map((a) => a.key),
                  ),
                );
                setChecked((Array.isArray(keys) ? keys : keys.checked).map(String).filter((key) => leaves.has(key)));
              }}
              treeData={tree.data.map((module) => ({
                key: module.key,
                title: permissionNames[module.key] ?? module.description,
                children: module.children.map((a) => ({ key: a.key, title: permissionNames[a.key] ?? a.description })),
              }))}
            />
          )}
        </ProCard>
      </ProCard>
    </PageContainer>
  );
}
