import { describe, expect, it } from 'vitest';
import { ClinicClock } from '../../src/domain/clinic-time/clinic-clock.js';
import { CachedDateTimeText } from '../../src/features/patient-transfer/export-time.js';

/*
 * The export's hour-cached clock must write exactly what ClinicClock writes, including
 * around daylight-saving changes (New York, London), half-hour ones (Lord Howe), historical
 * offsets in seconds (Shanghai and Kolkata before 1950) and a zone without changes.
 */
const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
const from = Date.UTC(1900, 0, 1) / 1000;
const to = Date.UTC(2040, 0, 1) / 1000;

describe('CachedDateTimeText', () => {
  it.each(ZONES)('writes the same clinic time as ClinicClock in %s, at and around every offset change', (zone) => {
    const clock = new ClinicClock(zone);
    const cached = new CachedDateTimeText(clock);
    const instants: number[] = [];
    for (const segment of clock.offsetSegments(Date.UTC(1940, 0, 1) / 1000, Date.UTC(2030, 0, 1) / 1000)) {
      if (segment.until === null) continue;
      for (const delta of [-3601, -3600, -1801, -61, -2, -1, 0, 1, 2, 59, 1799, 3599, 3600])
        instants.push(segment.until + delta);
    }
    // Spread over 140 years, in both directions, so cached hours get reused out of order too.
    let seed = 42;
    for (let index = 0; index < 3000; index += 1) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      instants.push(from + (seed % (to - from)));
    }
    instants.push(...instants.slice(0, 500).reverse());
    expect(instants.map((instant) => cached.dateTimeText(instant))).toEqual(
      instants.map((instant) => clock.dateTimeText(instant)),
    );
  });
});
