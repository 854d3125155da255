import type { SessionExceptionKind, SessionPeriod } from '../../../db/schema.js';
import {
  addDays,
  type ClinicCalendar,
  SESSION_PERIODS,
  weekdayOf,
} from '../../../domain/clinic-time/clinic-calendar.js';

/**
 * Which dated sessions a doctor holds, worked out in memory from three batch reads
 * (weekly sessions, exceptions, counters) so that listing many doctors costs three queries.
 * Rule: a 'cancelled' exception removes the session; an 'extra' exception holds it with its
 * own capacity (adding a session, or re-sizing a weekly one); otherwise the weekly session.
 */

export interface WeeklyRow {
  doctor_id: number;
  weekday: number;
  period: SessionPeriod;
  capacity: number;
}

export interface ExceptionRow {
  doctor_id: number;
  session_date: string;
  period: SessionPeriod;
  kind: SessionExceptionKind;
  capacity: number | null;
}

export interface CounterRow {
  doctor_id: number;
  session_date: string;
  period: SessionPeriod;
  booked: number;
}

export interface DatedSession {
  doctorId: number;
  date: string;
  period: SessionPeriod;
  startTime: number;
  capacity: number;
  booked: number;
  remaining: number;
  /** Not started yet and a place is left. */
  bookable: boolean;
}

export type SessionOffer =
  | { offered: true; capacity: number }
  | { offered: false; reason: 'cancelled' | 'not_offered' };

const slotKey = (doctorId: number, date: string, period: string) => `${doctorId}|${date}|${period}`;

/** Whether one dated session is held, and with which capacity. */
export function offerFor(weekly: WeeklyRow | undefined, exception: ExceptionRow | undefined): SessionOffer {
  if (exception?.kind === 'cancelled') return { offered: false, reason: 'cancelled' };
  if (exception?.kind === 'extra' && exception.capacity !== null)
    return { offered: true, capacity: exception.capacity };
  if (weekly) return { offered: true, capacity: weekly.capacity };
  return { offered: false, reason: 'not_offered' };
}

export function datedSessions(
  input: {
    doctorIds: readonly number[];
    from: string;
    to: string;
    weekly: WeeklyRow[];
    exceptions: ExceptionRow[];
    counters: CounterRow[];
  },
  calendar: ClinicCalendar,
  now: number,
): DatedSession[] {
  const weeklyBySlot = new Map(input.weekly.map((row) => [`${row.doctor_id}|${row.weekday}|${row.period}`, row]));
  const exceptionBySlot = new Map(
    input.exceptions.map((row) => [slotKey(row.doctor_id, row.session_date, row.period), row]),
  );
  const bookedBySlot = new Map(
    input.counters.map((row) => [slotKey(row.doctor_id, row.session_date, row.period), row.booked]),
  );
  const sessions: DatedSession[] = [];
  for (const doctorId of input.doctorIds) {
    for (let date = input.from; date <= input.to; date = addDays(date, 1)) {
      const weekday = weekdayOf(date);
      for (const period of SESSION_PERIODS) {
        const offer = offerFor(
          weeklyBySlot.get(`${doctorId}|${weekday}|${period}`),
          exceptionBySlot.get(slotKey(doctorId, date, period)),
        );
        if (!offer.offered) continue;
        const booked = bookedBySlot.get(slotKey(doctorId, date, period)) ?? 0;
        const startTime = calendar.sessionStart(date, period);
        const remaining = Math.max(0, offer.capacity - booked);
        sessions.push({
          doctorId,
          date,
          period,
          startTime,
          capacity: offer.capacity,
          booked,
          remaining,
          bookable: startTime > now && remaining > 0,
        });
      }
    }
  }
  return sessions;
}
