import { App, Spin } from 'antd';
import { lazy, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useNavigate } from 'react-router';
import '../i18n/admin-bundle';
import { onSessionEnded, resumeSession } from './session';

/** Back office root: the login page, or the signed-in shell with the menu's pages. */
const LoginPage = lazy(() => import('./LoginPage'));
const AdminLayout = lazy(() => import('./AdminLayout'));

export const pageFallback = (
  <div style={{ display: 'flex', justifyContent: 'center', padding: 80 }}>
    <Spin size="large" />
  </div>
);

function RequireSession({ children }: { children: React.ReactNode }) {
  return resumeSession() ? children : <Navigate to="/admin/login" replace />;
}

export default function AdminApp() {
  const navigate = useNavigate();
  useEffect(() => onSessionEnded(() => void navigate('/admin/login', { replace: true })), [navigate]);
  return (
    <App>
      <Suspense fallback={pageFallback}>
        <Routes>
          <Route path="login" element={<LoginPage />} />
          <Route
            path="*"
            element={
              <RequireSession>
                <AdminLayout />
              </RequireSession>
            }
          />
        </Routes>
      </Suspense>
    </App>
  );
}
