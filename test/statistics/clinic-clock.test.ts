import { describe, expect, it } from 'vitest';
import { ClinicClock } from '../../src/domain/clinic-time/clinic-clock.js';

/*
 * ClinicClock remembers its last day's periods and its last offset segments (the dashboard asks
 * for the same ones on every request). A remembered answer must be the one a fresh clock gives,
 * also when consecutive calls cross a midnight, a month's end or a daylight-saving change.
 */

const HOUR = 3600;

describe('ClinicClock remembered answers', () => {
  for (const zone of ['Asia/Shanghai', 'America/New_York', 'Australia/Lord_Howe']) {
    it(`gives what a fresh clock gives, hour by hour across month ends and offset changes (${zone})`, () => {
      const clock = new ClinicClock(zone);
      // 2026-03-28 .. 2026-04-08 and 2026-10-28 .. 2026-11-08 UTC: month ends and DST changes of all three zones.
      for (const start of [Date.UTC(2026, 2, 28) / 1000, Date.UTC(2026, 9, 28) / 1000]) {
        for (let now = start; now < start + 12 * 24 * HOUR; now += HOUR + 7) {
          const fresh = new ClinicClock(zone).periodsAround(now);
          const remembered = clock.periodsAround(now);
          expect(remembered, `${zone} ${now}`).toEqual(fresh);
          expect(now).toBeGreaterThanOrEqual(remembered.dayStart);
          expect(now).toBeLessThanOrEqual(remembered.dayEnd);
          expect(clock.offsetSegments(remembered.monthStart, remembered.monthEnd)).toEqual(
            new ClinicClock(zone).offsetSegments(remembered.monthStart, remembered.monthEnd),
          );
        }
      }
    });
  }
});
