import { isCalendarDate } from './clinic-time/clinic-calendar.js';

/** A patient's age on a date: the record's own age when it has one, else from the birth date. */
export function ageOn(date: string, age: number | null, birthDate: string | null): number | null {
  if (age !== null) return age;
  if (!birthDate || !isCalendarDate(birthDate)) return null;
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
