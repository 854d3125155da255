import type { ComponentType } from 'react';
import type { paths } from '../api/schema';

/*
 * What the portal's first screen waits for, started by the entry script (web/main.tsx) at once and
 * side by side instead of one after another: the portal's shell, the page the address names, and the
 * clinic's facts. Without this a phone on a slow network paid a round trip per step (entry, then the
 * shell, then the clinic, then the page). This module is in the entry script: keep it small.
 */
type PageModule = Promise<Record<string, ComponentType>>;

/** Each portal page's chunk, by the first segment of its path ('' = home). */
export const portalPages = {
  '': () => import('./pages/HomePage') as unknown as PageModule,
  login: () => import('./pages/LoginPage') as unknown as PageModule,
  register: () => import('./pages/RegisterPage') as unknown as PageModule,
  'forgot-password': () => import('./pages/ForgotPasswordPage') as unknown as PageModule,
  doctors: () => import('./pages/DoctorsPage') as unknown as PageModule,
  'doctor-sessions': () => import('./pages/DoctorSessionsPage') as unknown as PageModule,
  appointments: () => import('./pages/AppointmentsPage') as unknown as PageModule,
  profile: () => import('./pages/ProfilePage') as unknown as PageModule,
  password: () => import('./pages/PasswordPage') as unknown as PageModule,
  notifications: () => import('./pages/NotificationSettingsPage') as unknown as PageModule,
  records: () => import('./pages/VisitNotesPage') as unknown as PageModule,
  consultations: () => import('./pages/ConsultationsPage') as unknown as PageModule,
  'consultation-thread': () => import('./pages/ConsultationThreadPage') as unknown as PageModule,
} as const;

/** The pages at /<first segment>/<id>: one doctor's sessions, one consultation. */
const DETAIL_PAGES = new Map<string | undefined, keyof typeof portalPages>([
  ['doctors', 'doctor-sessions'],
  ['consultations', 'consultation-thread'],
]);

export type ClinicInfo = paths['/patient/clinic']['get']['responses'][200]['content']['application/json']['data'];

let clinicRequest: Promise<ClinicInfo | null> | undefined;

/** GET /patient/clinic, once per page load; null when it fails (the portal then works without it). */
export function requestClinic(): Promise<ClinicInfo | null> {
  clinicRequest ??= fetch('/patient/clinic', { headers: { accept: 'application/json' } })
    .then((response) => (response.ok ? (response.json() as Promise<{ data?: ClinicInfo }>) : null))
    .then((body) => body?.data ?? null)
    .catch(() => null);
  return clinicRequest;
}

/** Starts loading the shell, the page at this path and the clinic's facts, all at once. */
export function preloadPortal(pathname: string): void {
  void import('./PortalApp');
  const segments = pathname.split('/').filter(Boolean);
  const key = (segments.length > 1 ? DETAIL_PAGES.get(segments[0]) : undefined) ?? segments[0] ?? '';
  if (key in portalPages) void portalPages[key as keyof typeof portalPages]().catch(() => undefined);
  void requestClinic();
}
