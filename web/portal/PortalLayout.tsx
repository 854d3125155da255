import { CalendarOutlined, HomeOutlined, LogoutOutlined, MedicineBoxOutlined, UserOutlined } from '@ant-design/icons';
import { App, Button, Grid, Layout, Space, Typography } from 'antd';
import { lazy, type ReactNode, Suspense, useLayoutEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { removeFirstScreen } from '../first-screen/remove';
import { ClinicFooter } from './ClinicDetails';
import { PortalLanguageSelect } from './PortalLanguageSelect';
import { usePortalSession } from './session';

/** The header menu is for wide screens only: a phone never downloads the menu component. */
const HeaderMenu = lazy(() => import('./HeaderMenu'));

/**
 * Phone first: a slim header and a bottom tab bar within thumb reach; from the md
 * breakpoint (768 px) the same destinations sit in the header as a menu.
 */
const NAV = [
  { path: '/', key: 'nav.home', icon: <HomeOutlined /> },
  { path: '/doctors', key: 'nav.doctors', icon: <MedicineBoxOutlined /> },
  { path: '/appointments', key: 'nav.appointments', icon: <CalendarOutlined /> },
  { path: '/profile', key: 'nav.profile', icon: <UserOutlined /> },
] as const;

function activePath(pathname: string): string {
  if (pathname === '/') return '/';
  if (pathname.startsWith('/password')) return '/profile';
  return NAV.find((item) => item.path !== '/' && pathname.startsWith(item.path))?.path ?? '';
}

export function PortalLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation('portal');
  const { t: tc } = useTranslation('common');
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const wide = screens.md === true;
  const { token, patientName, client, call, signOut } = usePortalSession();
  const navigate = useNavigate();
  const active = activePath(useLocation().pathname);
  // The real page replaces the picture index.html painted, in the same frame (web/first-screen/paint.ts).
  useLayoutEffect(removeFirstScreen, []);

  const logout = async () => {
    try {
      await call(client.POST('/patient/logout'));
    } catch {
      // The token is dropped locally either way; a dead token is as good as logged out.
    }
    signOut();
    void message.success(t('logout.done'));
    navigate('/login');
  };

  const account = token ? (
    <Space size={4}>
      {wide && patientName ? (
        <Typography.Text style={{ color: 'rgba(255,255,255,0.85)' }}>{patientName}</Typography.Text>
      ) : null}
      <Button
        type="text"
        size="small"
        icon={<LogoutOutlined />}
        onClick={() => void logout()}
        style={{ color: '#fff' }}
      >
        {tc('logout')}
      </Button>
    </Space>
  ) : (
    <Link to="/login" style={{ color: '#fff' }}>
      {t('nav.login')}
    </Link>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 12,
          padding: wide ? '0 24px' : '0 12px',
          height: 56,
          lineHeight: '56px',
        }}
      >
        <Link to="/" style={{ color: '#fff', fontWeight: 600, fontSize: wide ? 18 : 16, whiteSpace: 'nowrap' }}>
          {t('title')}
        </Link>
        {wide ? (
          <Suspense fallback={<div style={{ flex: 1 }} />}>
            <HeaderMenu
              label={t('nav.menu')}
              selected={active}
              items={NAV.map((item) => ({
                key: item.path,
                icon: item.icon,
                label: <Link to={item.path}>{t(item.key)}</Link>,
              }))}
            />
          </Suspense>
        ) : (
          <div style={{ flex: 1 }} />
        )}
        <PortalLanguageSelect />
        {account}
      </Layout.Header>
      {/*
        At least the window's height below the header: the footer starts below the fold, so a page that
        grows once its data arrives never pushes a visible footer down (layout shift).
      */}
      <Layout.Content style={{ padding: wide ? '24px 24px 0' : '12px 12px 0', minHeight: 'calc(100vh - 56px)' }}>
        {/* Layout.Content is the page's one <main>; this only centres it. */}
        <div style={{ maxWidth: 880, margin: '0 auto' }}>{children}</div>
      </Layout.Content>
      {/* Below the fixed tab bar's height on phones, so the footer is never hidden under it. */}
      <ClinicFooter bottomSpace={wide ? 16 : 76} />
      {wide ? null : <BottomTabs active={active} />}
    </Layout>
  );
}

function BottomTabs({ active }: { active: string }) {
  const { t } = useTranslation('portal');
  return (
    <nav
      aria-label={t('nav.menu')}
      style={{
        position: 'fixed',
        bottom: 0,
        left: 0,
        right: 0,
        display: 'flex',
        background: '#fff',
        borderTop: '1px solid #f0f0f0',
        paddingBottom: 'env(safe-area-inset-bottom)',
        zIndex: 10,
      }}
    >
      {NAV.map((item) => {
        const selected = item.path === active;
        return (
          <Link
            key={item.path}
            to={item.path}
            aria-current={selected ? 'page' : undefined}
            style={{
              flex: 1,
              display: 'flex',
              flexDirection: 'column',
              alignItems: 'center',
              padding: '8px 0 6px',
              fontSize: 12,
              color: selected ? '#1677ff' : '#595959',
            }}
          >
            <span style={{ fontSize: 20 }}>{item.icon}</span>
            {t(item.key)}
          </Link>
        );
      })}
    </nav>
  );
}
