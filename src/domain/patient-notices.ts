import type { Transaction } from 'kysely';
import type { Database, NotificationLanguage, SessionPeriod } from '../db/schema.js';

/**
 * What a business change tells its patients, handed to the outbox inside the change's own
 * transaction: a rolled-back change sends nothing, a committed one loses nothing. The features
 * that cause notices (booking, portal-account) take a PatientNotices from the composition root;
 * the notifications feature implements it (resolving addresses, settings and templates). Neither
 * side imports the other.
 */
export interface AppointmentNotice {
  patientId: number;
  appointmentId: number;
  doctorId: number;
  date: string;
  period: SessionPeriod;
  /** Unix seconds of the session's start. */
  startTime: number;
  /** The doctor's and department's names when the caller has them already (saves the outbox a read). */
  doctorName?: string;
  departmentName?: string | null;
}

export type PatientNotice =
  | ({ event: 'booking_confirmed' } & AppointmentNotice)
  | ({ event: 'booking_cancelled'; reason: string | null } & AppointmentNotice)
  | ({ event: 'session_stopped'; reason: string | null } & AppointmentNotice)
  | ({ event: 'appointment_reminder' } & AppointmentNotice)
  /** A doctor's consultation answer the patient left unread (问诊): by the patient's channels, like bookings. */
  | { event: 'consultation_reply'; patientId: number; doctorId: number; consultationId: number }
  /** Security messages: to a phone, whatever the patient's settings say (they cannot be turned off). */
  | { event: 'verification_code'; phone: string; code: string; minutes: number; language: NotificationLanguage }
  | { event: 'password_changed'; phone: string; patientId: number | null; at: number }
  | { event: 'phone_changed'; phone: string; newPhone: string; patientId: number | null; at: number };

export interface PatientNotices {
  enqueue(trx: Transaction<Database>, notices: readonly PatientNotice[]): Promise<void>;
}

/** For tools that write bookings without telling anyone (the demo data). */
export const noPatientNotices: PatientNotices = { enqueue: async () => {} };
