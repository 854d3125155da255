import { Spin } from 'antd';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { removeFirstScreen } from './first-screen/remove';
import './i18n';
import { preloadPortal } from './portal/preload';
import { AntdProvider } from './ui/AntdProvider';

// Two apps in one build, each loaded only when its part of the site is opened.
const AdminApp = lazy(() => import('./admin/AdminApp'));
const PortalApp = lazy(() => import('./portal/PortalApp'));
if (!window.location.pathname.startsWith('/admin')) preloadPortal(window.location.pathname);

const fallback = (
  <div style={{ display: 'flex', justifyContent: 'center', paddingTop: 120 }}>
    <Spin size="large" />
  </div>
);

// Should rendering fail, the picture of the first screen (web/first-screen/paint.ts) must not stay in front
// of the app. (Also what keeps that module in the entry chunk rather than a request of its own.)
createRoot(document.getElementById('root') as HTMLElement, {
  onUncaughtError: (error) => {
    removeFirstScreen();
    console.error(error);
  },
}).render(
  <StrictMode>
    <AntdProvider>
      <BrowserRouter>
        <Suspense fallback={fallback}>
          <Routes>
            <Route path="/admin/*" element={<AdminApp />} />
            <Route path="/*" element={<PortalApp />} />
          </Routes>
        </Suspense>
      </BrowserRouter>
    </AntdProvider>
  </StrictMode>,
);
