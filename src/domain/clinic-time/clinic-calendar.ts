import type { SessionPeriod } from '../../db/schema.js';
import { ClinicClock } from './clinic-clock.js';

/**
 * Dates and times in the clinic's calendar (CLINIC_TIMEZONE). Session dates are plain
 * YYYY-MM-DD strings in that calendar; instants are Unix seconds. Built on Intl only, so
 * a zone with daylight saving time works too.
 */

export const SESSION_PERIODS: readonly SessionPeriod[] = ['morning', 'afternoon'];

/** Session start, minutes after local midnight: morning 08:00, afternoon 13:30. */
export const SESSION_START_MINUTE: Record<SessionPeriod, number> = { morning: 8 * 60, afternoon: 13 * 60 + 30 };

export const PERIOD_LABEL: Record<SessionPeriod, string> = { morning: '上午', afternoon: '下午' };

/** Patients book at most this many days ahead (today + 28 is the last bookable date). */
export const BOOKING_HORIZON_DAYS = 28;

const DAY_MS = 86_400_000;

function dateParts(date: string): [number, number, number] {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return [year, month, day];
}

/** Session dates the API accepts: the same span as its Unix-second times (up to 2100-01-01). */
const FIRST_YEAR = 1970;
const LAST_YEAR = 2099;

/**
 * True for a real calendar date written YYYY-MM-DD (2025-02-30 is not) within FIRST_YEAR..LAST_YEAR:
 * a day after 9999-12-31 has no YYYY-MM-DD form, and date loops would run off the calendar (fuzzing found a 500).
 */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = dateParts(value);
  if (year < FIRST_YEAR || year > LAST_YEAR) return false;
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

export function addDays(date: string, days: number): string {
  const [year, month, day] = dateParts(date);
  return new Date(Date.UTC(year, month - 1, day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 1 = Monday ... 7 = Sunday. */
export function weekdayOf(date: string): number {
  const [year, month, day] = dateParts(date);
  const sundayZero = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return sundayZero === 0 ? 7 : sundayZero;
}

export function daysBetween(from: string, to: string): number {
  const [y1, m1, d1] = dateParts(from);
  const [y2, m2, d2] = dateParts(to);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / DAY_MS);
}

/**
 * The clinic's calendar for schedules: the time-zone math is ClinicClock's (one
 * implementation for reports and bookings); this adds dates as YYYY-MM-DD and sessions.
 */
export class ClinicCalendar extends ClinicClock {
  /** The instant (Unix seconds) of a clinic wall-clock time, in minutes after midnight, on a date. */
  instantOnDate(date: string, minuteOfDay: number): number {
    const [year, month, day] = dateParts(date);
    const instant = this.instantOf(year, month, day, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
    if (instant === null) throw new Error(`not a calendar date: ${date}`);
    return instant;
  }

  sessionStart(date: string, period: SessionPeriod): number {
    return this.instantOnDate(date, SESSION_START_MINUTE[period]);
  }

  /** Last moment a patient may cancel: `daysBefore` days before the session date at `minuteOfDay`. */
  cancelDeadline(date: string, cutoff: { daysBefore: number; minuteOfDay: number }): number {
    return this.instantOnDate(addDays(date, -cutoff.daysBefore), cutoff.minuteOfDay);
  }
}
