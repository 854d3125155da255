import { DownOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { type MenuDataItem, ProLayout } from '@ant-design/pro-components';
import { Button, Dropdown, Result, Space, Typography } from 'antd';
import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router';
import { ClinicTimeNote } from '../ui/ClinicTimeNote';
import { setClinicZone } from '../ui/clinicTime';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { pageFallback } from './AdminApp';
import { AccessProvider, type CurrentUser, type MenuEntry } from './access';
import { useCollapsedButtonRender } from './accessibleChrome';
import { call, messageOf, staffClient } from './api';
import { ChangePasswordModal } from './ChangePasswordModal';
import { pagesByMenuUrl } from './pages';
import { getUsername, logout } from './session';

/** Parents that are pages themselves (客户池) get their own first entry in the submenu. */
const PARENTS_WITH_PAGE = new Set(['patients']);

export default function AdminLayout() {
  const { t } = useTranslation('admin');
  const location = useLocation();
  const [signedIn, setSignedIn] = useState<{ menu: MenuEntry[]; user: CurrentUser }>();
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [changingPassword, setChangingPassword] = useState(false);
  const collapsedButtonRender = useCollapsedButtonRender();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the reload trigger (retry after an error), read by no line of the effect
  useEffect(() => {
    let active = true;
    Promise.all([
      call(() => staffClient.GET('/back_end/api/v1/menu', {})),
      call(() => staffClient.GET('/back_end/api/v1/me', {})),
      // The clinic's zone before any page renders a time; without it (an older server) the browser's.
      call(() => staffClient.GET('/back_end/api/v1/clinic', {})).then(
        (clinic) => setClinicZone(clinic.timezone),
        () => undefined,
      ),
    ])
      .then(([menu, me]) => active && setSignedIn({ menu, user: me.user }))
      .catch((cause: unknown) => active && setError(messageOf(cause)));
    return () => {
      active = false;
    };
  }, [attempt]);

  if (error) {
    return (
      <Result
        status="error"
        title={error}
        extra={
          <Button
            onClick={() => {
              setError(undefined);
              setAttempt((n) => n + 1);
            }}
          >
            {t('common:retry')}
          </Button>
        }
      />
    );
  }
  if (!signedIn) return pageFallback;
  const { menu, user } = signedIn;

  const label = (url: string, title: string) => t(`menu.${url}`, { defaultValue: title });
  const route: MenuDataItem = {
    path: '/admin',
    children: menu.map((entry) => {
      const leaves = entry.child.map((leaf) => ({ path: `/admin/${leaf.url}`, name: label(leaf.url, leaf.title) }));
      if (leaves.length === 0) return { path: `/admin/${entry.url}`, name: label(entry.url, entry.title) };
      const own = PARENTS_WITH_PAGE.has(entry.url)
        ? [{ path: `/admin/${entry.url}`, name: label(`${entry.url}List`, entry.title) }]
        : [];
      return { path: `/admin/group-${entry.url}`, name: label(entry.url, entry.title), children: [...own, ...leaves] };
    }),
  };
  const urls = menu
    .flatMap((entry) => [entry.url, ...entry.child.map((leaf) => leaf.url)])
    .filter((url) => pagesByMenuUrl[url]);

  return (
    <AccessProvider menu={menu} user={user}>
      <ProLayout
        title={t('title')}
        logo={false}
        layout="mix"
        fixSiderbar
        collapsedButtonRender={collapsedButtonRender}
        route={route}
        location={{ pathname: location.pathname }}
        menuItemRender={(item, dom) => (item.path ? <Link to={item.path}>{dom}</Link> : dom)}
        actionsRender={() => [
          <ClinicTimeNote key="clinic-time" namespace="admin" />,
          <LanguageSwitch key="language" />,
          <Dropdown
            key="user"
            trigger={['click']}
            menu={{
              items: [{ key: 'password', icon: <KeyOutlined />, label: t('defects.password.change') }],
              onClick: () => setChangingPassword(true),
            }}
          >
            <Button type="text">
              <Space>
                <UserOutlined />
                <Typography.Text data-testid="current-user">{getUsername()}</Typography.Text>
                <DownOutlined />
              </Space>
            </Button>
          </Dropdown>,
          <Button key="logout" type="text" icon={<LogoutOutlined />} onClick={() => void logout()}>
            {t('common:logout')}
          </Button>,
        ]}
      >
        <Suspense fallback={pageFallback}>
          <Routes>
            {urls.map((url) => {
              const Page = pagesByMenuUrl[url]!;
              return <Route key={url} path={url} element={<Page />} />;
            })}
            <Route
              path="*"
              element={
                urls[0] ? <Navigate to={`/admin/${urls[0]}`} replace /> : <Result status="403" title={t('noAccess')} />
              }
            />
          </Routes>
        </Suspense>
        <ChangePasswordModal open={changingPassword} onOpenChange={setChangingPassword} />
      </ProLayout>
    </AccessProvider>
  );
}
