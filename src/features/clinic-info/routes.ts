import type { Static } from 'typebox';
import { portalOk } from '../../http/envelopes.js';
import { portalSuccessSchema, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { ClinicInfoData } from './schemas.js';

export type ClinicInfo = Static<typeof ClinicInfoData>;

/** The clinic's public facts from configuration (CLINIC_NAME, _ADDRESS, _PHONE, _HOURS, _TIMEZONE). */
export function clinicInfoOf(config: {
  clinic: {
    name?: string | undefined;
    address?: string | undefined;
    phone?: string | undefined;
    hours?: string | undefined;
  };
  clinicTimezone: string;
}): ClinicInfo {
  return {
    name: config.clinic.name ?? null,
    address: config.clinic.address ?? null,
    phone: config.clinic.phone ?? null,
    hours: config.clinic.hours ?? null,
    timezone: config.clinicTimezone,
  };
}

/** GET /patient/clinic: public, so the portal shows where and when to come before anyone signs in. */
export function registerPortalClinicRoute(app: TypedApp, clinic: ClinicInfo): void {
  app.get('/clinic', {
    schema: {
      tags: ['portal: booking'],
      summary: "The clinic's name, address, phone, opening hours and time zone (no login needed)",
      description: 'From configuration only; no patient data. Unset parts are null.',
      response: withErrors('portal', { 200: portalSuccessSchema(ClinicInfoData) }, []),
    },
    config: { access: 'public' },
    handler: async () => portalOk(clinic),
  });
}

/** GET /back_end/api/v1/clinic: the same facts for the back office, which shows every time in the clinic's zone. */
export function registerStaffClinicRoute(app: TypedApp, clinic: ClinicInfo): void {
  app.get('/clinic', {
    schema: {
      tags: ['staff: clinic'],
      summary: "The clinic's name, address, phone, opening hours and time zone",
      description: 'From configuration only. Any signed-in staff account may read it.',
      response: withErrors('staff', { 200: ClinicInfoData }, [401]),
    },
    config: { access: 'authenticated' },
    handler: async () => clinic,
  });
}
