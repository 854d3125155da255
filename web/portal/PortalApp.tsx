import { App, Button } from 'antd';
import { type ComponentType, lazy, type ReactNode, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ClinicProvider } from './clinic';
import { PortalLayout } from './PortalLayout';
import { portalPages } from './preload';
import { PortalSessionProvider, usePortalSession } from './session';
import { LoadingState, PageNotice } from './states';

/**
 * Each page is its own chunk, fetched when first opened (web/portal/preload.ts starts the first one
 * early): a phone opening the home page downloads neither the profile's upload nor the booking screens.
 */
function page(load: () => Promise<Record<string, ComponentType>>, name: string) {
  return lazy(() => load().then((module) => ({ default: module[name] as ComponentType })));
}
const HomePage = page(portalPages[''], 'HomePage');
const LoginPage = page(portalPages.login, 'LoginPage');
const RegisterPage = page(portalPages.register, 'RegisterPage');
const ForgotPasswordPage = page(portalPages['forgot-password'], 'ForgotPasswordPage');
const DoctorsPage = page(portalPages.doctors, 'DoctorsPage');
const DoctorSessionsPage = page(portalPages['doctor-sessions'], 'DoctorSessionsPage');
const AppointmentsPage = page(portalPages.appointments, 'AppointmentsPage');
const ProfilePage = page(portalPages.profile, 'ProfilePage');
const PasswordPage = page(portalPages.password, 'PasswordPage');
const NotificationSettingsPage = page(portalPages.notifications, 'NotificationSettingsPage');
const VisitNotesPage = page(portalPages.records, 'VisitNotesPage');
const ConsultationsPage = page(portalPages.consultations, 'ConsultationsPage');
const ConsultationThreadPage = page(portalPages['consultation-thread'], 'ConsultationThreadPage');

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
          {/*
            Around the whole layout, not inside it: on the first visit the header, footer and page
            appear together once the page's chunk is there, so nothing painted earlier is pushed down
            (no layout shift); later the router navigates in a transition, which keeps the current
            page on screen while the next one loads instead of showing this fallback.
          */}
          <Suspense fallback={<LoadingState />}>
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
                <Route
                  path="records"
                  element={
                    <SignedIn>
                      <VisitNotesPage />
                    </SignedIn>
                  }
                />
                <Route
                  path="consultations"
                  element={
                    <SignedIn>
                      <ConsultationsPage />
                    </SignedIn>
                  }
                />
                <Route
                  path="consultations/:id"
                  element={
                    <SignedIn>
                      <ConsultationThreadPage />
                    </SignedIn>
                  }
                />
                <Route path="*" element={<NotFound />} />
              </Routes>
            </PortalLayout>
          </Suspense>
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
    <PageNotice
      title={t('notFound.title')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('notFound.back')}
        </Button>
      }
    />
  );
}
