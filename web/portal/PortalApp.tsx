import { App, Button, Result } from 'antd';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ClinicProvider } from './clinic';
import { PortalLayout } from './PortalLayout';
import { AppointmentsPage } from './pages/AppointmentsPage';
import { DoctorSessionsPage } from './pages/DoctorSessionsPage';
import { DoctorsPage } from './pages/DoctorsPage';
import { ForgotPasswordPage } from './pages/ForgotPasswordPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { NotificationSettingsPage } from './pages/NotificationSettingsPage';
import { PasswordPage } from './pages/PasswordPage';
import { ProfilePage } from './pages/ProfilePage';
import { RegisterPage } from './pages/RegisterPage';
import { PortalSessionProvider, usePortalSession } from './session';

/**
 * The patient portal at / (mobile first). Page paths never start with /patient: that
 * prefix belongs to the portal API. Browsing doctors and sessions needs no login;
 * booking, appointments, profile and password do.
 */
export default function PortalApp() {
  const { t } = useTranslation('portal');
  useEffect(() => {
    document.title = t('title');
  }, [t]);
  return (
    <App>
      <PortalSessionProvider>
        <ClinicProvider>
          <PortalLayout>
            <Routes>
              <Route index element={<HomePage />} />
              <Route path="login" element={<LoginPage />} />
              <Route path="register" element={<RegisterPage />} />
              <Route path="forgot-password" element={<ForgotPasswordPage />} />
              <Route path="doctors" element={<DoctorsPage />} />
              <Route path="doctors/:id" element={<DoctorSessionsPage />} />
              <Route
                path="appointments"
                element={
                  <SignedIn>
                    <AppointmentsPage />
                  </SignedIn>
                }
              />
              <Route
                path="profile"
                element={
                  <SignedIn>
                    <ProfilePage />
                  </SignedIn>
                }
              />
              <Route
                path="password"
                element={
                  <SignedIn>
                    <PasswordPage />
                  </SignedIn>
                }
              />
              <Route
                path="notifications"
                element={
                  <SignedIn>
                    <NotificationSettingsPage />
                  </SignedIn>
                }
              />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </PortalLayout>
        </ClinicProvider>
      </PortalSessionProvider>
    </App>
  );
}

function SignedIn({ children }: { children: ReactNode }) {
  const { token } = usePortalSession();
  const location = useLocation();
  if (!token) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function NotFound() {
  const { t } = useTranslation('portal');
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('notFound.back')}
        </Button>
      }
    />
  );
}
