import type { TFunction } from 'i18next';
import type { paths } from '../api/schema';
import { clinicZoneName } from '../ui/clinicTime';

/** API shapes, derived from the generated OpenAPI types (never copied by hand). */
type PortalData<T> = T extends { responses: { 200: { content: { 'application/json': { data: infer D } } } } }
  ? D
  : never;
export type Profile = PortalData<paths['/patient']['get']>;
export type Department = PortalData<paths['/patient/departments']['get']>[number];
export type Doctor = PortalData<paths['/patient/doctors']['get']>[number];
export type DoctorSessions = PortalData<paths['/patient/doctors/{id}/sessions']['get']>;
export type Session = DoctorSessions['sessions'][number];
export type Appointment = PortalData<paths['/patient/appointments']['get']>['upcoming'][number];
export type VisitNote = PortalData<paths['/patient/visit-notes']['get']>['notes'][number];
export type Period = Session['period'];

/** Weekday of a clinic-calendar date (YYYY-MM-DD), independent of the browser's time zone. */
export function weekdayOf(date: string, t: TFunction<'portal'>): string {
  const [year, month, day] = date.split('-').map(Number);
  const index = new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1)).getUTCDay();
  const names = t('weekday', { returnObjects: true }) as unknown as string[];
  return names[index] ?? '';
}

export function periodLabel(period: Period, t: TFunction<'portal'>): string {
  return t(`period.${period}`);
}

/** An instant (Unix seconds) on the clinic's clock (its cutoffs and sessions are), in the patient's language. */
export function formatInstant(seconds: number, language: string): string {
  return new Date(seconds * 1000).toLocaleString(language === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: clinicZoneName(),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}
