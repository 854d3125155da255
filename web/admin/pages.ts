import { type ComponentType, type LazyExoticComponent, lazy } from 'react';

/**
 * The page behind each menu url (GET menu/ decides which of them a role sees).
 * Each is its own chunk, loaded when first opened; web/main.tsx starts the one the address
 * names while the back office's shell loads (this module is in the entry script: keep it small).
 */
const pageLoaders: Record<string, () => Promise<{ default: ComponentType }>> = {
  dashboard: () => import('./pages/DashboardPage'),
  patients: () => import('./patients/PatientPoolPage'),
  regsiter: () => import('./patients/RegisterPage'),
  'patients-transfer': () => import('./pages/ExportPage'),
  'patients-import': () => import('./pages/ImportPage'),
  'recycle-bin': () => import('./pages/RecycleBinPage'),
  'doctor-day': () => import('./pages/DoctorDayPage'),
  schedules: () => import('./pages/SchedulesPage'),
  funnel: () => import('./pages/StatisticsPage'),
  'marketing-costs': () => import('./pages/MarketingCostsPage'),
  'front-desk': () => import('./pages/FrontDeskPage'),
  'follow-up-worklist': () => import('./pages/FollowUpWorklistPage'),
  'shared-pool': () => import('./pages/SharedPoolPage'),
  departments: () => import('./pages/DepartmentsPage'),
  doctors: () => import('./pages/DoctorsPage'),
  channels: () => import('./pages/ChannelsPage'),
  'advisory-ways': () => import('./pages/AdvisoryWaysPage'),
  'staff-users': () => import('./pages/StaffPage'),
  roles: () => import('./pages/RolesPage'),
  logs: () => import('./pages/LogsPage'),
  'notification-log': () => import('./notifications/NotificationLogPage'),
  'notification-templates': () => import('./notifications/NotificationTemplatesPage'),
};

export const pagesByMenuUrl: Record<string, LazyExoticComponent<ComponentType>> = Object.fromEntries(
  Object.entries(pageLoaders).map(([url, load]) => [url, lazy(load)]),
);

/** Starts loading the page at /admin/<url> (nothing for an unknown url). */
export function preloadAdminPage(url: string): void {
  void pageLoaders[url]?.().catch(() => undefined);
}
