import { Type } from 'typebox';
import { Nullable } from '../../http/schemas.js';

/** The clinic as anyone may know it: configuration only, never patient data. */
export const ClinicInfoData = Type.Object({
  name: Nullable(Type.String({ description: 'CLINIC_NAME; null = unset (the portal shows its own title)' })),
  address: Nullable(Type.String({ description: 'CLINIC_ADDRESS; null = unset' })),
  phone: Nullable(Type.String({ description: 'CLINIC_PHONE as configured, e.g. 021-6421 8888; null = unset' })),
  hours: Nullable(Type.String({ description: 'CLINIC_HOURS, free text; null = unset' })),
  timezone: Type.String({
    description:
      'CLINIC_TIMEZONE (IANA): the zone every date and time of both APIs is meant in; the web UI shows times in it',
  }),
});
