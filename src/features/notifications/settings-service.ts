import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationLanguage } from '../../db/schema.js';
import type { AuditActor } from '../../domain/audit.js';
import type { PatientPrincipal } from '../../domain/principals.js';
import { AppError, invalidField } from '../../http/errors.js';
import type { MessagesConfig } from '../../messages-config.js';
import type { CoreServices } from '../../services.js';
import type { RecipientsRepository } from './recipients-repository.js';
import type { WeChatApi } from './transports/wechat-api.js';

export interface SettingsInput {
  reminders?: boolean;
  language?: NotificationLanguage;
  sms?: boolean;
  email_enabled?: boolean;
  email?: string | null;
  wechat?: boolean;
}

/** An OAuth round trip must come back within this time, to the account that started it. */
const STATE_LIFETIME_SECONDS = 10 * 60;

/**
 * A patient's notification settings: reminders on or off (security messages are not a setting),
 * language, channels, an email address, and the WeChat link. The link is made by the WeChat
 * OAuth flow: the portal asks for an authorize URL (its `state` is signed for this account and
 * expires), WeChat sends the patient back to WECHAT_OAUTH_REDIRECT_URL with a code, and the portal
 * posts code and state here; the server exchanges the code for the patient's openid.
 */
export class NotificationSettingsService {
  constructor(
    private readonly core: CoreServices,
    private readonly recipients: RecipientsRepository,
    private readonly config: MessagesConfig,
    private readonly wechatApi: WeChatApi | undefined,
    private readonly stateKey: Buffer,
  ) {}

  private get wechatAvailable(): boolean {
    return this.wechatApi !== undefined && this.config.wechatApi?.oauthRedirectUrl !== undefined;
  }

  async view(principal: PatientPrincipal) {
    const settings = await this.recipients.settingsOf(principal.accountId);
    return {
      reminders: settings.reminders === 1,
      language: settings.language,
      sms: settings.sms === 1,
      email_enabled: settings.email_enabled === 1,
      email: settings.email,
      wechat: settings.wechat === 1,
      wechat_linked: settings.wechat_openid !== null,
      wechat_available: this.wechatAvailable,
    };
  }

  async update(principal: PatientPrincipal, input: SettingsInput, actor: AuditActor, now: number) {
    const current = await this.recipients.settingsOf(principal.accountId);
    const email =
      input.email === undefined ? current.email : input.email === null || input.email === '' ? null : input.email;
    const emailEnabled = input.email_enabled ?? (current.email_enabled === 1 && email !== null);
    if (emailEnabled && !email) throw invalidField('email', '开启邮件通知须填写邮箱');
    const changes = {
      ...(input.reminders === undefined ? {} : { reminders: input.reminders ? 1 : 0 }),
      ...(input.language === undefined ? {} : { language: input.language }),
      ...(input.sms === undefined ? {} : { sms: input.sms ? 1 : 0 }),
      ...(input.wechat === undefined ? {} : { wechat: input.wechat ? 1 : 0 }),
      email,
      email_enabled: emailEnabled ? 1 : 0,
    };
    await this.core.db.transaction().execute(async (trx) => {
      await this.recipients.saveSettings(principal.accountId, changes, now, trx);
      await this.core.audit.record(
        actor,
        {
          action: 'portal.notification_settings',
          targetType: 'patient',
          targetId: principal.patientId,
          details: {
            changed: Object.keys(input),
            reminders: input.reminders,
            emailSet: input.email === undefined ? undefined : email !== null,
          },
        },
        trx,
      );
    });
    return this.view(principal);
  }

  private sign(accountId: number, expires: number): string {
    return createHmac('sha256', this.stateKey).update(`wechat-link.${accountId}.${expires}`).digest('base64url');
  }

  authorizeUrl(principal: PatientPrincipal, now: number) {
    if (!this.wechatApi || !this.config.wechatApi?.oauthRedirectUrl)
      throw new AppError('conflict', '本诊所未开通微信通知');
    const expires = now + STATE_LIFETIME_SECONDS;
    const state = `${expires}.${this.sign(principal.accountId, expires)}`;
    return { url: this.wechatApi.authorizeUrl(this.config.wechatApi.oauthRedirectUrl, state), state };
  }

  async link(principal: PatientPrincipal, code: string, state: string, actor: AuditActor, now: number) {
    if (!this.wechatApi) throw new AppError('conflict', '本诊所未开通微信通知');
    const [expiresText = '', signature = ''] = state.split('.');
    const expires = Number(expiresText);
    const expected = Buffer.from(this.sign(principal.accountId, expires));
    const given = Buffer.from(signature);
    if (
      !Number.isInteger(expires) ||
      expires < now ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    )
      throw invalidField('state', '授权已过期或不属于当前账号，请重新发起微信授权');
    let exchanged: Awaited<ReturnType<WeChatApi['openidForCode']>>;
    try {
      exchanged = await this.wechatApi.openidForCode(code);
    } catch (error) {
      throw new AppError('service_unavailable', '微信服务暂时不可用，请稍后再试', { cause: error });
    }
    if ('error' in exchanged) throw invalidField('code', `微信授权失败（${exchanged.error}）`);
    await this.core.db.transaction().execute(async (trx) => {
      await this.recipients.saveSettings(
        principal.accountId,
        { wechat_openid: exchanged.openid, wechat_linked_at: now },
        now,
        trx,
      );
      await this.core.audit.record(
        actor,
        { action: 'portal.wechat_link', targetType: 'patient', targetId: principal.patientId },
        trx,
      );
    });
    return this.view(principal);
  }

  async unlink(principal: PatientPrincipal, actor: AuditActor, now: number) {
    await this.core.db.transaction().execute(async (trx) => {
      await this.recipients.saveSettings(
        principal.accountId,
        { wechat_openid: null, wechat_linked_at: null },
        now,
        trx,
      );
      await this.core.audit.record(
        actor,
        { action: 'portal.wechat_unlink', targetType: 'patient', targetId: principal.patientId },
        trx,
      );
    });
    return this.view(principal);
  }
}
