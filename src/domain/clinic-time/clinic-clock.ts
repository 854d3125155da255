/**
 * The clinic's wall clock (CLINIC_TIMEZONE) for reports: day and month boundaries, date-time
 * text in exports and imports, and the UTC offsets that SQL needs to bucket Unix seconds by
 * clinic day. Built on Intl only, so a zone with daylight saving time is bucketed exactly:
 * the offset is constant between transitions, and a report range lists its transitions.
 */

const WEEK_SECONDS = 7 * 86_400;

/** A stretch of time with one UTC offset: instants before `until` (or all, when null). */
export interface OffsetSegment {
  until: number | null;
  offsetSeconds: number;
}

type Periods = Readonly<{ dayStart: number; dayEnd: number; monthStart: number; monthEnd: number; today: string }>;

export class ClinicClock {
  private readonly formatter: Intl.DateTimeFormat;
  /**
   * The last answers of periodsAround and offsetSegments: every dashboard asks both for the
   * same day and month, and each costs a dozen Intl calls (4% of the server's CPU on the bench).
   */
  private lastPeriods?: Periods;
  private lastSegments?: { from: number; to: number; segments: readonly OffsetSegment[] };

  constructor(readonly timeZone: string) {
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** Clinic wall-clock time minus UTC at an instant, in seconds (+28800 for Asia/Shanghai). */
  offsetAt(unixSeconds: number): number {
    const parts: Record<string, number> = {};
    for (const part of this.formatter.formatToParts(new Date(unixSeconds * 1000))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) / 1000;
    return wall - unixSeconds;
  }

  /** "2024-03-01 09:30:00" in the clinic's calendar. */
  dateTimeText(unixSeconds: number): string {
    return new Date((unixSeconds + this.offsetAt(unixSeconds)) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }

  /** "2024-03-01": the clinic date at an instant. */
  dateAt(unixSeconds: number): string {
    return this.dateTimeText(unixSeconds).slice(0, 10);
  }

  /** The instant of a clinic wall-clock time; null when the parts are not a real date and time. */
  instantOf(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number | null {
    const wallMs = Date.UTC(year, month - 1, day, hour, minute, second);
    const probe = new Date(wallMs);
    if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
    if (hour > 23 || minute > 59 || second > 59) return null;
    const wall = wallMs / 1000;
    // The offset at the guess may differ across a daylight-saving change: correct once.
    const guess = wall - this.offsetAt(wall);
    return wall - this.offsetAt(guess);
  }

  /** First and last second of the clinic day and month that contain `now`. */
  periodsAround(now: number): Periods {
    const last = this.lastPeriods;
    // Every instant of a clinic day has the same day and month.
    if (last && now >= last.dayStart && now <= last.dayEnd) return last;
    const today = this.dateAt(now);
    const [year, month, day] = today.split('-').map(Number) as [number, number, number];
    const tomorrow = new Date(Date.UTC(year, month - 1, day + 1));
    const nextMonth = new Date(Date.UTC(year, month, 1));
    this.lastPeriods = Object.freeze({
      today,
      dayStart: this.instantOf(year, month, day)!,
      dayEnd: this.instantOf(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth() + 1, tomorrow.getUTCDate())! - 1,
      monthStart: this.instantOf(year, month, 1)!,
      monthEnd: this.instantOf(nextMonth.getUTCFullYear(), nextMonth.getUTCMonth() + 1, 1)! - 1,
    });
    return this.lastPeriods;
  }

  /**
   * The offsets in force between `from` and `to`, in order. Weekly probes find a change (no
   * zone changes twice in a week), a binary search finds its second.
   */
  offsetSegments(from: number, to: number): readonly OffsetSegment[] {
    const last = this.lastSegments;
    if (last && last.from === from && last.to === to) return last.segments;
    const segments: OffsetSegment[] = [];
    let current = this.offsetAt(from);
    let cursor = from;
    while (cursor < to) {
      const next = Math.min(cursor + WEEK_SECONDS, to);
      if (this.offsetAt(next) !== current) {
        let low = cursor;
        let high = next;
        while (high - low > 1) {
          const middle = Math.floor((low + high) / 2);
          if (this.offsetAt(middle) === current) low = middle;
          else high = middle;
        }
        segments.push({ until: high, offsetSeconds: current });
        current = this.offsetAt(high);
        cursor = high;
      } else {
        cursor = next;
      }
    }
    segments.push({ until: null, offsetSeconds: current });
    this.lastSegments = { from, to, segments: Object.freeze(segments.map((segment) => Object.freeze(segment))) };
    return this.lastSegments.segments;
  }
}
