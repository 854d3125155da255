import { Type } from 'typebox';
import { portalOk } from '../../http/envelopes.js';
import { auditActorOf, nowSeconds, patientOf } from '../../http/request-context.js';
import { Nullable, portalSuccessSchema, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { NotificationSettingsService } from './settings-service.js';

const TAG = 'portal: notifications';

const SettingsData = Type.Object({
  reminders: Type.Boolean({
    description: 'appointment reminders (the day before, and hours before if the clinic sends those)',
  }),
  language: Type.String({ description: 'zh-CN or en: the language of every message to this patient' }),
  sms: Type.Boolean({ description: 'booking messages and reminders by SMS to the login phone' }),
  email_enabled: Type.Boolean(),
  email: Nullable(Type.String()),
  wechat: Type.Boolean({ description: 'messages to the linked WeChat (when linked)' }),
  wechat_linked: Type.Boolean(),
  wechat_available: Type.Boolean({
    description: 'whether the clinic has WeChat messages set up: show the link button only then',
  }),
});

const SettingsBody = Type.Object(
  {
    reminders: Type.Optional(Type.Boolean()),
    language: Type.Optional(Type.Unsafe<'zh-CN' | 'en'>({ type: 'string', enum: ['zh-CN', 'en'] })),
    sms: Type.Optional(Type.Boolean()),
    email_enabled: Type.Optional(Type.Boolean({ description: 'true needs an email (given here or saved before)' })),
    email: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 254,
          pattern: '^$|^[^\\s@]{1,64}@[^\\s@]{1,190}\\.[^\\s@]{1,60}$',
          description: 'null or "" clears it (and turns email off unless email_enabled says otherwise)',
        }),
      ),
    ),
    wechat: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const SettingsResponse = portalSuccessSchema(SettingsData);

/** The patient's notification settings and the WeChat link. */
export function registerNotificationPortalRoutes(app: TypedApp, settings: NotificationSettingsService): void {
  app.get('/notification-settings', {
    schema: {
      tags: [TAG],
      summary: 'My notification settings (通知设置)',
      description:
        'Defaults for an account that never saved any: reminders on, zh-CN, SMS on, no email, WeChat on once linked. ' +
        'Security messages (verification codes, password and phone changes) always go by SMS and are not a setting.',
      security: [{ bearerAuth: [] }],
      response: withErrors('portal', { 200: SettingsResponse }, [401]),
    },
    config: { access: 'patient' },
    handler: async (request) => portalOk(await settings.view(patientOf(request))),
  });

  app.put('/notification-settings', {
    schema: {
      tags: [TAG],
      summary: 'Change my notification settings: absent fields stay as they are',
      description:
        'reminders: false turns appointment reminders off. email_enabled: true without an email answers 400 naming email. Audited.',
      security: [{ bearerAuth: [] }],
      body: SettingsBody,
      response: withErrors('portal', { 200: SettingsResponse }, [400, 401]),
    },
    config: { access: 'patient' },
    handler: async (request) =>
      portalOk(await settings.update(patientOf(request), request.body, auditActorOf(request), nowSeconds()), '已保存'),
  });

  app.get('/wechat/authorize-url', {
    schema: {
      tags: [TAG],
      summary: 'Start linking WeChat: the WeChat authorization URL to send the patient to',
      description:
        'WeChat sends the patient back to WECHAT_OAUTH_REDIRECT_URL with ?code=&state=; the portal then posts both to ' +
        'POST /patient/wechat/link. state is signed for this account and valid 10 minutes. 409 when the clinic has no WeChat set up.',
      security: [{ bearerAuth: [] }],
      response: withErrors(
        'portal',
        { 200: portalSuccessSchema(Type.Object({ url: Type.String(), state: Type.String() })) },
        [401, 409],
      ),
    },
    config: { access: 'patient' },
    handler: async (request) => portalOk(settings.authorizeUrl(patientOf(request), nowSeconds())),
  });

  app.post('/wechat/link', {
    schema: {
      tags: [TAG],
      summary: 'Finish linking WeChat: the OAuth code and state WeChat returned',
      description:
        "The server exchanges the code for the patient's openid (sns/oauth2/access_token). A state not made for this account " +
        'or expired, or a code WeChat refuses, answers 400 naming it; WeChat unreachable 503. Audited (portal.wechat_link).',
      security: [{ bearerAuth: [] }],
      body: Type.Object(
        { code: Type.String({ minLength: 1, maxLength: 256 }), state: Type.String({ minLength: 1, maxLength: 256 }) },
        { additionalProperties: false },
      ),
      response: withErrors('portal', { 200: SettingsResponse }, [400, 401, 409, 503]),
    },
    config: { access: 'patient' },
    handler: async (request) =>
      portalOk(
        await settings.link(
          patientOf(request),
          request.body.code,
          request.body.state,
          auditActorOf(request),
          nowSeconds(),
        ),
        '已关联微信',
      ),
  });

  app.delete('/wechat/link', {
    schema: {
      tags: [TAG],
      summary: 'Unlink WeChat: no more messages there',
      security: [{ bearerAuth: [] }],
      response: withErrors('portal', { 200: SettingsResponse }, [401]),
    },
    config: { access: 'patient' },
    handler: async (request) =>
      portalOk(await settings.unlink(patientOf(request), auditActorOf(request), nowSeconds()), '已解除微信关联'),
  });
}
