import type { Kysely, Updateable } from 'kysely';
import type { Database, Executor, NotificationLanguage, NotificationSettingsTable } from '../../db/schema.js';

/** Defaults for a patient without a portal account or without saved settings. */
export const DEFAULT_SETTINGS = {
  reminders: 1,
  language: 'zh-CN' as NotificationLanguage,
  sms: 1,
  email_enabled: 0,
  email: null as string | null,
  wechat: 1,
  wechat_openid: null as string | null,
  wechat_linked_at: null as number | null,
};

/**
 * Who a notice reaches and how: patients with their portal account's settings, doctors' names,
 * and the templates. Read inside the business transaction that enqueues the notice.
 */
export class RecipientsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  recipientsOf(patientIds: readonly number[], db: Executor) {
    if (patientIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('patients as p')
      .leftJoin('patient_accounts as a', 'a.patient_id', 'p.id')
      .leftJoin('notification_settings as s', 's.account_id', 'a.id')
      .select([
        'p.id as patient_id',
        'p.name',
        'p.tel',
        's.reminders',
        's.language',
        's.sms',
        's.email_enabled',
        's.email',
        's.wechat',
        's.wechat_openid',
      ])
      .where('p.id', 'in', [...new Set(patientIds)])
      .execute();
  }

  doctorsOf(doctorIds: readonly number[], db: Executor) {
    if (doctorIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('doctors as d')
      .leftJoin('departments as dep', 'dep.id', 'd.department_id')
      .select(['d.id', 'd.name', 'dep.name as department_name'])
      .where('d.id', 'in', [...new Set(doctorIds)])
      .execute();
  }

  /** Language of the account that logs in with this phone (security messages to it), if any. */
  async languageOfPhone(phone: string, db: Executor): Promise<NotificationLanguage | undefined> {
    const row = await db
      .selectFrom('patient_accounts as a')
      .innerJoin('notification_settings as s', 's.account_id', 'a.id')
      .select('s.language')
      .where('a.phone', '=', phone)
      .executeTakeFirst();
    return row?.language;
  }

  templatesFor(events: readonly string[], languages: readonly NotificationLanguage[], db: Executor) {
    return db
      .selectFrom('notification_templates')
      .select(['event', 'language', 'channel', 'subject', 'body', 'provider_template', 'sign_name'])
      .where('event', 'in', [...new Set(events)])
      .where('language', 'in', [...new Set(languages)])
      .execute();
  }

  /** A patient's settings, or the defaults when the account has saved none. */
  async settingsOf(accountId: number) {
    const row = await this.db
      .selectFrom('notification_settings')
      .selectAll()
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row ?? { account_id: accountId, ...DEFAULT_SETTINGS, updated_at: null };
  }

  async saveSettings(
    accountId: number,
    changes: Omit<Updateable<NotificationSettingsTable>, 'account_id' | 'updated_at'>,
    now: number,
    db: Executor = this.db,
  ): Promise<void> {
    await db
      .insertInto('notification_settings')
      .values({ ...DEFAULT_SETTINGS, ...changes, account_id: accountId, updated_at: now })
      .onConflict((conflict) => conflict.column('account_id').doUpdateSet({ ...changes, updated_at: now }))
      .execute();
  }
}

export type RecipientRow = Awaited<ReturnType<RecipientsRepository['recipientsOf']>>[number];
export type TemplateRow = Awaited<ReturnType<RecipientsRepository['templatesFor']>>[number];
