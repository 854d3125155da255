import { type RawBuilder, sql } from 'kysely';

/** A mainland China mobile number: the pool's tel and the portal's login phone. */
export const MOBILE_PATTERN = '^1[3-9]\\d{9}$';

/** 13812345678 -> 138****5678. Anything that is not 11 characters is masked whole but its ends. */
export function maskPhone(tel: string): string {
  if (tel.length >= 7) return `${tel.slice(0, 3)}****${tel.slice(-4)}`;
  return '****';
}

const WHOLE_NUMBER = new RegExp(MOBILE_PATTERN);

/** A whole mainland mobile number: what a caller who sees phones masked may look up, counted. */
export const isWholePhoneNumber = (text: string): boolean => WHOLE_NUMBER.test(text);

/**
 * maskPhone(patients.tel) in SQL: what a caller without the full-phone permission
 * sees, and so all of the tel such a caller's search may match. Null without a tel.
 */
export const maskedTel: RawBuilder<string | null> = sql<string | null>`(case
  when length(${sql.ref('patients.tel')}) >= 7 then substr(${sql.ref('patients.tel')}, 1, 3) || '****' || substr(${sql.ref('patients.tel')}, length(${sql.ref('patients.tel')}) - 3)
  when ${sql.ref('patients.tel')} is not null then '****' end)`;
