import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * Clinic time. The server decides "today", session dates and cutoffs in CLINIC_TIMEZONE; the
 * browser may sit in another zone (a manager abroad, a laptop set to UTC). Every time the UI shows
 * or sends goes through here, so what the screen says matches the clinic's calendar. The zone comes
 * from GET /patient/clinic (portal) or /back_end/api/v1/clinic (back office); until then, and if
 * that fails, the browser's own zone is used, which is what the UI did before.
 */
const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
let clinicZone = BROWSER_ZONE;

const WALL_CLOCK = 'YYYY-MM-DDTHH:mm:ss';
export const DATE_FORMAT = 'YYYY-MM-DD';

export function setClinicZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    clinicZone = zone;
  } catch {
    // An unknown zone (an old browser's tz data): stay on the browser's rather than break every page.
  }
}

export const clinicZoneName = (): string => clinicZone;

/** Whether the clinic's clock reads differently from the browser's right now (then times get labelled). */
export function clinicZoneDiffers(): boolean {
  const now = dayjs();
  return now.tz(clinicZone).utcOffset() !== now.utcOffset();
}

/** Unix seconds as clinic wall-clock text, e.g. "2026-12-03 09:30". */
export function formatClinicTime(unixSeconds: number, format = 'YYYY-MM-DD HH:mm'): string {
  return dayjs.unix(unixSeconds).tz(clinicZone).format(format);
}

/** An instant (ISO text or milliseconds) as clinic wall-clock text. */
export function formatClinicInstant(instant: string | number, format = 'YYYY-MM-DD HH:mm:ss'): string {
  return dayjs(instant).tz(clinicZone).format(format);
}

/** Today's date in the clinic's calendar (YYYY-MM-DD). */
export const clinicToday = (): string => dayjs().tz(clinicZone).format(DATE_FORMAT);

/** First second of a clinic-calendar date (YYYY-MM-DD) as Unix seconds. */
export const clinicDayStart = (date: string): number => dayjs.tz(`${date}T00:00:00`, clinicZone).unix();

/** Last second of a clinic-calendar date as Unix seconds (the next day's start minus one: DST-proof). */
export const clinicDayEnd = (date: string): number =>
  dayjs.tz(`${dayjs(date).add(1, 'day').format(DATE_FORMAT)}T00:00:00`, clinicZone).unix() - 1;

/**
 * Date pickers hold wall-clock values in the browser's zone. A value picked there means that
 * wall-clock time at the clinic: these two convert between such a picker value and Unix seconds.
 */
export const pickerToUnix = (value: Dayjs | string): number =>
  dayjs.tz(dayjs(value).format(WALL_CLOCK), clinicZone).unix();
export const unixToPicker = (unixSeconds: number): Dayjs =>
  dayjs(dayjs.unix(unixSeconds).tz(clinicZone).format(WALL_CLOCK));
/** The clinic's "now" as a picker value (the default of an arrival or contact time). */
export const clinicNowPicker = (): Dayjs => unixToPicker(dayjs().unix());
