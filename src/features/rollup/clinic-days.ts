import type { OffsetPeriod } from './offset-periods.js';

const DAY_SECONDS = 86_400;
/** Offsets stay within a day of UTC, so three days around a range hold every instant of its days. */
export const DAYS_MARGIN_SECONDS = 3 * DAY_SECONDS;

/** Clinic-calendar days first..last (day numbers: local seconds / 86400) and the instants they span. */
export interface WholeDays {
  firstDay: number;
  lastDay: number;
  /** First instant of firstDay. */
  start: number;
  /** Last instant of lastDay. */
  end: number;
}

interface Span {
  start: number;
  until: number;
  offset: number;
}

/**
 * The clinic days that lie wholly inside [from, to], for the rollup (patient_day_counts counts
 * whole days; the instants of [from, to] outside them are counted from the raw rows). Days
 * follow `periods`, the offsets the rollup's triggers use. null when there is no whole day,
 * or when the calendar runs backwards across a midnight in or near the range (a zone that
 * fell back at 00:00, as Brazil's did): a day is then not one stretch of time, and the caller
 * counts the raw rows instead.
 */
export function wholeDaysWithin(periods: OffsetPeriod[], from: number, to: number): WholeDays | null {
  // An empty range has no day (and, ends far apart the wrong way round, no offset period to look in).
  if (from > to) return null;
  const windowStart = from - DAYS_MARGIN_SECONDS;
  const windowEnd = to + DAYS_MARGIN_SECONDS;
  // The last period that starts at or before the window (binary search: New York has ~260).
  let low = 0;
  let high = periods.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (periods[middle]!.fromUtc <= windowStart) low = middle;
    else high = middle - 1;
  }
  if (periods.length === 0 || periods[low]!.fromUtc > windowStart) return null;
  let index = low;
  const spans: Span[] = [];
  for (; index < periods.length && periods[index]!.fromUtc <= windowEnd; index += 1) {
    const until = periods[index + 1]?.fromUtc ?? Number.POSITIVE_INFINITY;
    spans.push({ start: Math.max(periods[index]!.fromUtc, windowStart), until, offset: periods[index]!.offsetSeconds });
  }
  const dayOf = (instant: number): number => {
    const span = spans.find((candidate) => instant < candidate.until) ?? spans[spans.length - 1]!;
    return Math.floor((instant + span.offset) / DAY_SECONDS);
  };
  for (let next = 1; next < spans.length; next += 1) {
    const transition = spans[next]!.start;
    if (dayOf(transition) < dayOf(transition - 1)) return null;
  }
  const firstDay = dayOf(from - 1) < dayOf(from) ? dayOf(from) : dayOf(from) + 1;
  const lastDay = dayOf(to + 1) > dayOf(to) ? dayOf(to) : dayOf(to) - 1;
  if (firstDay > lastDay) return null;
  /** The first instant whose clinic day is `day` or later (the calendar only moves forward here). */
  const firstInstantOf = (day: number): number => {
    for (const span of spans) {
      const candidate = Math.max(span.start, day * DAY_SECONDS - span.offset);
      if (candidate < span.until && dayOf(candidate) >= day) return candidate;
    }
    throw new Error(`day ${day} lies outside ${from}..${to}`);
  };
  const whole = { firstDay, lastDay, start: firstInstantOf(firstDay), end: firstInstantOf(lastDay + 1) - 1 };
  return whole.start >= from && whole.end <= to ? whole : null;
}

/** The instants of [from, to] outside its whole days (at most one stretch at each end): counted from the rows. */
export function partDays(days: WholeDays, from: number, to: number): { from: number; to: number }[] {
  const parts: { from: number; to: number }[] = [];
  if (days.start > from) parts.push({ from, to: days.start - 1 });
  if (days.end < to) parts.push({ from: days.end + 1, to });
  return parts;
}
