import dayjs from 'dayjs';
import type { TFunction } from 'i18next';
import type { ApiPaths } from '../../api/client';
import { clinicToday, DATE_FORMAT } from '../../ui/clinicTime';

/** Wire types of the schedule and appointment screens, taken from the generated contract. */
export type Period = 'morning' | 'afternoon';
export const PERIODS: readonly Period[] = ['morning', 'afternoon'];
export type Schedule =
  ApiPaths['/back_end/api/v1/schedule/doctors/{id}']['get']['responses'][200]['content']['application/json']['schedule'];
export type DatedSession = Schedule['sessions'][number];
export type ScheduleException = Schedule['exceptions'][number];
export type DayList =
  ApiPaths['/back_end/api/v1/appointment/day']['get']['responses'][200]['content']['application/json'];
export type StaffAppointment = DayList['appointments'][number];

/** The portal books at most this many days ahead (BOOKING_HORIZON_DAYS on the server). */
export const BOOKING_HORIZON_DAYS = 28;

export { DATE_FORMAT };
/** Today in the clinic's calendar, which is the server's "today", whatever the browser's zone. */
export const todayText = (): string => clinicToday();
export const addDaysText = (date: string, days: number): string => dayjs(date).add(days, 'day').format(DATE_FORMAT);

/** 1 Monday ... 7 Sunday, as the schedule API counts. */
export function isoWeekday(date: string): number {
  return ((dayjs(date).day() + 6) % 7) + 1;
}

export const weekdayLabel = (t: TFunction<'admin'>, weekday: number): string => t(`schedule.weekdays.${weekday}`);
export const periodLabel = (t: TFunction<'admin'>, period: string): string => t(`appointments.periods.${period}`);

/** "2025-03-05 周三 上午": one dated session in words. */
export function sessionLabel(t: TFunction<'admin'>, date: string, period: string): string {
  return `${date} ${weekdayLabel(t, isoWeekday(date))} ${periodLabel(t, period)}`;
}

/** A yuan amount typed as text ("1280.5") in fen, without floating-point rounding. */
export function yuanToFen(text: string): number {
  const [whole = '0', fraction = ''] = text.trim().split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}
