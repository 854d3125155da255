import { type RawBuilder, sql } from 'kysely';
import { MOBILE_PATTERN } from './schemas.js';

const WHOLE_NUMBER = new RegExp(MOBILE_PATTERN);

/** A whole mainland mobile number: what a caller who sees phones masked may look up, counted. */
export const isWholePhoneNumber = (text: string): boolean => WHOLE_NUMBER.test(text);

/**
 * maskPhone(patients.tel) in SQL (wire.ts): what a caller without the full-phone permission
 * sees, and so all of the tel such a caller's search may match. Null without a tel.
 */
export const maskedTel: RawBuilder<string | null> = sql<string | null>`(case
  when length(${sql.ref('patients.tel')}) >= 7 then substr(${sql.ref('patients.tel')}, 1, 3) || '****' || substr(${sql.ref('patients.tel')}, length(${sql.ref('patients.tel')}) - 3)
  when ${sql.ref('patients.tel')} is not null then '****' end)`;
