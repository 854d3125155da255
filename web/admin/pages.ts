import { type ComponentType, type LazyExoticComponent, lazy } from 'react';

/**
 * The page behind each menu url (GET menu/ decides which of them a role sees).
 * Each is its own chunk, loaded when first opened.
 */
export const pagesByMenuUrl: Record<string, LazyExoticComponent<ComponentType>> = {
  dashboard: lazy(() => import('./pages/DashboardPage')),
  patients: lazy(() => import('./patients/PatientPoolPage')),
  regsiter: lazy(() => import('./patients/RegisterPage')),
  'patients-transfer': lazy(() => import('./pages/ExportPage')),
  'patients-import': lazy(() => import('./pages/ImportPage')),
  'recycle-bin': lazy(() => import('./pages/RecycleBinPage')),
  'doctor-day': lazy(() => import('./pages/DoctorDayPage')),
  schedules: lazy(() => import('./pages/SchedulesPage')),
  funnel: lazy(() => import('./pages/StatisticsPage')),
  'marketing-costs': lazy(() => import('./pages/MarketingCostsPage')),
  'front-desk': lazy(() => import('./pages/FrontDeskPage')),
  'doctor-desk': lazy(() => import('./pages/DoctorDeskPage')),
  consultations: lazy(() => import('./pages/ConsultationsPage')),
  'follow-up-worklist': lazy(() => import('./pages/FollowUpWorklistPage')),
  'shared-pool': lazy(() => import('./pages/SharedPoolPage')),
  departments: lazy(() => import('./pages/DepartmentsPage')),
  doctors: lazy(() => import('./pages/DoctorsPage')),
  channels: lazy(() => import('./pages/ChannelsPage')),
  'advisory-ways': lazy(() => import('./pages/AdvisoryWaysPage')),
  'staff-users': lazy(() => import('./pages/StaffPage')),
  roles: lazy(() => import('./pages/RolesPage')),
  logs: lazy(() => import('./pages/LogsPage')),
  'notification-log': lazy(() => import('./notifications/NotificationLogPage')),
  'notification-templates': lazy(() => import('./notifications/NotificationTemplatesPage')),
};
