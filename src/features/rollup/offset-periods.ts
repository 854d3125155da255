import { ClinicClock } from '../../domain/clinic-time/clinic-clock.js';

/*
 * CLINIC_TIMEZONE's UTC offsets as periods, for SQL that buckets Unix seconds by clinic day:
 * the rollup's triggers read them from clinic_utc_offsets, its rebuild and readers from here.
 */

/** The offsets are exact (from Intl) for instants in [COVERED_FROM, COVERED_UNTIL); reports outside read raw rows. */
export const COVERED_FROM = 0;
export const COVERED_UNTIL = Date.UTC(2100, 0, 1) / 1000;
/** The first period reaches back to any instant, so the triggers always find an offset. */
const EARLIEST = Number.MIN_SAFE_INTEGER;

export interface OffsetPeriod {
  fromUtc: number;
  offsetSeconds: number;
}

const periodsByZone = new Map<string, OffsetPeriod[]>();

/** CLINIC_TIMEZONE's UTC offsets as periods (each until the next one's start), computed once per zone. */
export function utcOffsetPeriods(timeZone: string): OffsetPeriod[] {
  let periods = periodsByZone.get(timeZone);
  if (!periods) {
    periods = [];
    let fromUtc = EARLIEST;
    for (const segment of new ClinicClock(timeZone).offsetSegments(COVERED_FROM, COVERED_UNTIL)) {
      periods.push({ fromUtc, offsetSeconds: segment.offsetSeconds });
      if (segment.until !== null) fromUtc = segment.until;
    }
    periodsByZone.set(timeZone, periods);
  }
  return periods;
}
