import type { ClinicClock } from '../../domain/clinic-time/clinic-clock.js';

/** What the export needs of the clinic clock. */
export interface DateTimeText {
  dateTimeText(unixSeconds: number): string;
}

const HOUR = 3600;
/** Hours remembered; an export's instants cluster (rows come in id order), so this is plenty. */
const CACHE_LIMIT = 4096;

/**
 * ClinicClock.dateTimeText for the millions of instants of an export. The clock asks Intl
 * for the zone offset of every instant (a fifth of an export's CPU time, and most of its
 * garbage); here it is asked once per clock hour instead. An hour whose first and last
 * second have the same offset has it throughout (no zone changes its offset twice within
 * an hour); in an hour with a change, each instant is asked for itself.
 */
export class CachedDateTimeText implements DateTimeText {
  /** Offset in seconds of each clock hour seen, or null when it changes within that hour. */
  private readonly offsets = new Map<number, number | null>();

  constructor(private readonly clock: ClinicClock) {}

  dateTimeText(unixSeconds: number): string {
    const offset = this.offsetAt(unixSeconds);
    return new Date((unixSeconds + offset) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }

  private offsetAt(unixSeconds: number): number {
    const hour = Math.floor(unixSeconds / HOUR);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const first = this.clock.offsetAt(hour * HOUR);
      offset = first === this.clock.offsetAt(hour * HOUR + HOUR - 1) ? first : null;
      if (this.offsets.size >= CACHE_LIMIT) this.offsets.clear();
      this.offsets.set(hour, offset);
    }
    return offset ?? this.clock.offsetAt(unixSeconds);
  }
}
