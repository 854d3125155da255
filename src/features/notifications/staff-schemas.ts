import { Type } from 'typebox';
import { Nullable, RecordId, StaffTokenField } from '../../http/schemas.js';
import { CHANNELS, LANGUAGES, NOTIFICATION_EVENTS } from './catalogue.js';

const MAX_UNIX_MS = 4_102_444_800_000;
const UnixMs = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_UNIX_MS, description });
const STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;

export const EventName = Type.Unsafe<(typeof NOTIFICATION_EVENTS)[number]>({
  type: 'string',
  enum: [...NOTIFICATION_EVENTS],
  description: NOTIFICATION_EVENTS.join(', '),
});
export const ChannelName = Type.Unsafe<(typeof CHANNELS)[number]>({
  type: 'string',
  enum: [...CHANNELS],
  description: 'sms, email or wechat',
});
const StatusName = Type.Unsafe<(typeof STATUSES)[number]>({
  type: 'string',
  enum: [...STATUSES],
  description:
    'pending (queued or waiting for a retry), sending (claimed by a worker), sent, failed (out of attempts or refused for good), cancelled (a reminder whose booking was cancelled first)',
});

export const DeliveryLogQuery = Type.Object({
  token: StaffTokenField,
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  patient_id: Type.Optional(RecordId('messages of this patient (audited as notification.log_read)')),
  event: Type.Optional(EventName),
  channel: Type.Optional(ChannelName),
  status: Type.Optional(StatusName),
  from: Type.Optional(UnixMs('queued at or after (Unix milliseconds)')),
  to: Type.Optional(UnixMs('queued at or before (Unix milliseconds)')),
});

const NullableString = Nullable(Type.String());

export const MessageSchema = Type.Object({
  id: Type.String(),
  event: Type.String(),
  channel: Type.String({ description: 'sms, email or wechat' }),
  transport: Type.Union([Type.String(), Type.Null()], {
    description:
      'what handled the last attempt: log (nothing left the server), aliyun, tencent, smtp, wechat; null before the first',
  }),
  status: StatusName,
  patientId: NullableString,
  patientName: NullableString,
  appointmentId: NullableString,
  recipient: Type.String({
    description: 'phone, email or WeChat openid; masked (138****5678) unless the role holds patients:view_full_phone',
  }),
  language: Type.String(),
  subject: NullableString,
  body: Type.String({ description: 'the text as rendered (verification codes shown as ******)' }),
  params: Type.Record(Type.String(), Type.String(), {
    description: "the placeholders' values sent to template-based providers",
  }),
  providerTemplate: NullableString,
  signName: NullableString,
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.Integer(), Type.Null()], {
    description: 'pending: when the next attempt is due (Unix ms)',
  }),
  lastError: NullableString,
  providerMessageId: NullableString,
  providerAnswer: Type.Union([Type.String(), Type.Null()], { description: "the provider's last answer, as received" }),
  idempotencyKey: Type.String({
    description: 'sent to the provider as OutId / Message-ID / SessionContext / client_msg_id',
  }),
  createdAt: Type.Integer({ description: 'Unix milliseconds' }),
  sentAt: Type.Union([Type.Integer(), Type.Null()], { description: 'Unix milliseconds' }),
});

export const DeliveryLogResponse = Type.Object({
  messages: Type.Array(MessageSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const DeliveryStatusResponse = Type.Object({
  transports: Type.Object({
    sms: Type.String({ description: 'log, aliyun or tencent (NOTIFY_SMS)' }),
    email: Type.String({ description: 'log or smtp (NOTIFY_EMAIL)' }),
    wechat: Type.String({ description: 'log or wechat (NOTIFY_WECHAT)' }),
  }),
  worker: Type.Boolean({ description: 'whether this instance delivers (NOTIFY_WORKER)' }),
  maxAttempts: Type.Integer(),
  reminders: Type.Object({
    dayBefore: Type.Union([Type.String(), Type.Null()], {
      description: 'HH:MM clinic time on the day before; null = off',
    }),
    hoursBefore: Type.Integer({ description: '0 = off' }),
  }),
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'messages per status' }),
});

export const TemplateSchema = Type.Object({
  id: Type.String(),
  event: Type.String(),
  language: Type.String({ description: LANGUAGES.join(' or ') }),
  channel: Type.String(),
  subject: Type.Union([Type.String(), Type.Null()], { description: 'email only' }),
  body: Type.String(),
  providerTemplate: Type.Union([Type.String(), Type.Null()], {
    description:
      'SMS: Alibaba TemplateCode or Tencent TemplateId; WeChat: template_id; null = not set (sending fails until set)',
  }),
  signName: Type.Union([Type.String(), Type.Null()], {
    description: 'SMS sign name (签名) as approved by the provider',
  }),
  updatedAt: Type.Integer({ description: 'Unix seconds' }),
  updatedBy: Type.Union([Type.String(), Type.Null()], { description: 'username; null for the installed default' }),
});

export const TemplatesResponse = Type.Object({
  templates: Type.Array(TemplateSchema),
  events: Type.Array(
    Type.Object({
      event: Type.String(),
      description: Type.String(),
      security: Type.Boolean({ description: 'security messages: SMS only, patients cannot turn them off' }),
      channels: Type.Array(Type.String()),
      placeholders: Type.Array(
        Type.Object({ name: Type.String(), description: Type.String(), required: Type.Boolean() }),
      ),
    }),
  ),
  languages: Type.Array(Type.String()),
});

const SHORT_CODE = '^[A-Za-z0-9_.-]{1,64}$';

export const TemplateUpdateBody = Type.Object(
  {
    token: StaffTokenField,
    subject: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'email templates: required' }))),
    body: Type.String({
      minLength: 1,
      maxLength: 2000,
      description:
        'placeholders as {name}, from the event\'s list; the required ones must appear. WeChat: one "field: text" line per field of the WeChat template',
    }),
    provider_template: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 64,
          pattern: `^$|${SHORT_CODE}`,
          description: 'absent = unchanged; null or "" = not set',
        }),
      ),
    ),
    sign_name: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 40,
          pattern: '^[^\\u0000-\\u001f\\u007f]*$',
          description: 'absent = unchanged; null or "" = not set',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);
