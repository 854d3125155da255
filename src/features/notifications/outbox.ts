import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database, NotificationChannel, NotificationLanguage } from '../../db/schema.js';
import { PERIOD_LABEL } from '../../domain/clinic-time/clinic-calendar.js';
import type { ClinicClock } from '../../domain/clinic-time/clinic-clock.js';
import type { AppointmentNotice, PatientNotice, PatientNotices } from '../../domain/patient-notices.js';
import { maskPhone } from '../../domain/phone.js';
import { placeholdersIn, render } from './catalogue.js';
import type { NewOutboxRow, OutboxRepository } from './outbox-repository.js';
import {
  DEFAULT_SETTINGS,
  type RecipientRow,
  type RecipientsRepository,
  type TemplateRow,
} from './recipients-repository.js';
import type { TemplateCache } from './template-cache.js';

type AppointmentEventNotice = Extract<PatientNotice, AppointmentNotice>;
type ConsultationNotice = Extract<PatientNotice, { event: 'consultation_reply' }>;
type SecurityNotice = Exclude<PatientNotice, AppointmentNotice | ConsultationNotice>;

interface PlannedMessage {
  event: PatientNotice['event'];
  channel: NotificationChannel;
  recipient: string;
  language: NotificationLanguage;
  params: Record<string, string>;
  patientId: number | null;
  appointmentId: number | null;
}

const isAppointmentNotice = (notice: PatientNotice): notice is AppointmentEventNotice => 'appointmentId' in notice;
const isConsultationNotice = (notice: PatientNotice): notice is ConsultationNotice =>
  notice.event === 'consultation_reply';
const isSecurityNotice = (notice: PatientNotice): notice is SecurityNotice =>
  !isAppointmentNotice(notice) && !isConsultationNotice(notice);

const NO_REASON: Record<NotificationLanguage, string> = { 'zh-CN': '无', en: 'none' };
const ENGLISH_PERIOD = { morning: 'morning', afternoon: 'afternoon' } as const;

/**
 * The outbox: turns a business change's notices into messages, one per address and channel the
 * patient can be reached on, in the change's own transaction. Nothing here talks to a provider
 * (the delivery worker does), so a provider outage costs a business request nothing; what it
 * costs is a few reads and one insert (bench/outbox.ts measures it).
 */
export class NotificationOutbox implements PatientNotices {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly recipients: RecipientsRepository,
    private readonly templates: TemplateCache,
    private readonly clock: ClinicClock,
  ) {}

  async enqueue(trx: Transaction<Database>, notices: readonly PatientNotice[]): Promise<void> {
    if (notices.length === 0) return;
    const planned = [
      ...(await this.planAppointmentNotices(trx, notices.filter(isAppointmentNotice))),
      ...(await this.planConsultationNotices(trx, notices.filter(isConsultationNotice))),
      ...(await this.planSecurityNotices(trx, notices.filter(isSecurityNotice))),
    ];
    const now = Date.now();
    if (planned.length > 0) {
      const templates = await this.templates.templatesFor(
        planned.map((message) => message.event),
        planned.map((message) => message.language),
        trx,
      );
      const templateOf = (message: PlannedMessage) =>
        templates.find(
          (template) =>
            template.event === message.event &&
            template.language === message.language &&
            template.channel === message.channel,
        );
      const rows = planned.flatMap((message) => {
        const template = templateOf(message);
        return template ? [this.row(message, template, now)] : [];
      });
      await this.outbox.insert(rows, trx);
    }
    const cancelled = notices.filter(
      (notice) => notice.event === 'booking_cancelled' || notice.event === 'session_stopped',
    );
    await this.outbox.cancelPendingReminders(
      cancelled.map((notice) => (notice as AppointmentEventNotice).appointmentId),
      now,
      trx,
    );
  }

  private row(message: PlannedMessage, template: TemplateRow, now: number): NewOutboxRow {
    return {
      idempotency_key: randomUUID(),
      event: message.event,
      channel: message.channel,
      transport: null,
      patient_id: message.patientId,
      appointment_id: message.appointmentId,
      recipient: message.recipient,
      language: message.language,
      subject: template.subject === null ? null : render(template.subject, message.params),
      body: render(template.body, message.params),
      params: JSON.stringify(usedParams([template.subject ?? '', template.body].join('\n'), message.params)),
      provider_template: template.provider_template,
      sign_name: template.sign_name,
      status: 'pending',
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    };
  }

  private async planAppointmentNotices(
    trx: Transaction<Database>,
    notices: readonly AppointmentEventNotice[],
  ): Promise<PlannedMessage[]> {
    if (notices.length === 0) return [];
    const { recipients, doctors } = await this.peopleOf(trx, notices);
    const planned: PlannedMessage[] = [];
    for (const notice of notices) {
      const recipient = recipients.get(notice.patientId);
      if (!recipient) continue;
      if (notice.event === 'appointment_reminder' && (recipient.reminders ?? DEFAULT_SETTINGS.reminders) === 0)
        continue;
      const language = recipient.language ?? DEFAULT_SETTINGS.language;
      const doctor = doctors.get(notice.doctorId);
      const start = this.clock.dateTimeText(notice.startTime);
      const params: Record<string, string> = {
        patient_name: recipient.name,
        doctor_name: doctor?.name ?? '',
        department_name: doctor?.department_name ?? '',
        date: notice.date,
        period: language === 'en' ? ENGLISH_PERIOD[notice.period] : PERIOD_LABEL[notice.period],
        time: start.slice(11, 16),
      };
      if (notice.event === 'booking_cancelled' || notice.event === 'session_stopped')
        params.reason = notice.reason?.trim() || NO_REASON[language];
      for (const [channel, address] of addressesOf(recipient))
        planned.push({
          event: notice.event,
          channel,
          recipient: address,
          language,
          params,
          patientId: notice.patientId,
          appointmentId: notice.appointmentId,
        });
    }
    return planned;
  }

  /** The notices' patients (their addresses and settings) and doctors (names, departments), by id. */
  private async peopleOf(trx: Transaction<Database>, notices: readonly { patientId: number; doctorId: number }[]) {
    const recipients = await this.recipients.recipientsOf(
      notices.map((notice) => notice.patientId),
      trx,
    );
    const doctors = await this.recipients.doctorsOf(
      notices.map((notice) => notice.doctorId),
      trx,
    );
    return {
      recipients: new Map(recipients.map((row) => [row.patient_id, row])),
      doctors: new Map(doctors.map((row) => [row.id, row])),
    };
  }

  /** The patient's own channels and settings, as for bookings; the doctor's name says who answered. */
  private async planConsultationNotices(
    trx: Transaction<Database>,
    notices: readonly ConsultationNotice[],
  ): Promise<PlannedMessage[]> {
    if (notices.length === 0) return [];
    const { recipients, doctors } = await this.peopleOf(trx, notices);
    return notices.flatMap((notice) => {
      const recipient = recipients.get(notice.patientId);
      if (!recipient) return [];
      const doctor = doctors.get(notice.doctorId);
      const params = {
        patient_name: recipient.name,
        doctor_name: doctor?.name ?? '',
        department_name: doctor?.department_name ?? '',
      };
      return addressesOf(recipient).map(([channel, address]) => ({
        event: notice.event,
        channel,
        recipient: address,
        language: recipient.language ?? DEFAULT_SETTINGS.language,
        params,
        patientId: notice.patientId,
        appointmentId: null,
      }));
    });
  }

  private async planSecurityNotices(
    trx: Transaction<Database>,
    notices: readonly SecurityNotice[],
  ): Promise<PlannedMessage[]> {
    const planned: PlannedMessage[] = [];
    for (const notice of notices) {
      const base = { event: notice.event, channel: 'sms' as const, recipient: notice.phone, appointmentId: null };
      if (notice.event === 'verification_code') {
        planned.push({
          ...base,
          language: notice.language,
          params: { code: notice.code, minutes: String(notice.minutes) },
          patientId: null,
        });
        continue;
      }
      const language = (await this.recipients.languageOfPhone(notice.phone, trx)) ?? DEFAULT_SETTINGS.language;
      const params: Record<string, string> = { time: this.clock.dateTimeText(notice.at).slice(0, 16) };
      if (notice.event === 'phone_changed') params.new_phone = maskPhone(notice.newPhone);
      planned.push({ ...base, language, params, patientId: notice.patientId });
    }
    return planned;
  }
}

/**
 * The values of the placeholders a template uses, in the order it first uses them: what
 * template-based providers are sent (Alibaba by name, Tencent by position).
 */
function usedParams(text: string, params: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(placeholdersIn(text).map((name) => [name, params[name] ?? '']));
}

/** Where a patient can be reached, by their settings: SMS to the record's tel, email, linked WeChat. */
function addressesOf(recipient: RecipientRow): [NotificationChannel, string][] {
  const addresses: [NotificationChannel, string][] = [];
  if (recipient.tel && (recipient.sms ?? DEFAULT_SETTINGS.sms) === 1) addresses.push(['sms', recipient.tel]);
  if (recipient.email && recipient.email_enabled === 1) addresses.push(['email', recipient.email]);
  if (recipient.wechat_openid && (recipient.wechat ?? DEFAULT_SETTINGS.wechat) === 1)
    addresses.push(['wechat', recipient.wechat_openid]);
  return addresses;
}
