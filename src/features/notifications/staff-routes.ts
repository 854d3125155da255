import { Type } from 'typebox';
import { invalidField } from '../../http/errors.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { IdParams, StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { EVENT_CATALOGUE, LANGUAGES, NOTIFICATION_EVENTS } from './catalogue.js';
import type { DeliveryLog } from './delivery-log.js';
import {
  DeliveryLogQuery,
  DeliveryLogResponse,
  DeliveryStatusResponse,
  MessageSchema,
  TemplateSchema,
  TemplatesResponse,
  TemplateUpdateBody,
} from './staff-schemas.js';
import type { TemplateRecord } from './template-repository.js';
import type { TemplateService } from './template-service.js';

const TAG = 'staff: notifications';

const templateView = (row: TemplateRecord & { updated_by_username?: string | null }) => ({
  id: String(row.id),
  event: row.event,
  language: row.language,
  channel: row.channel,
  subject: row.subject,
  body: row.body,
  providerTemplate: row.provider_template,
  signName: row.sign_name,
  updatedAt: Number(row.updated_at),
  updatedBy: row.updated_by_username ?? (row.updated_by === null ? null : String(row.updated_by)),
});

export interface NotificationStaffServices {
  log: DeliveryLog;
  templates: TemplateService;
}

/** The back office: the delivery log with retry, and the template editor. */
export function registerNotificationStaffRoutes(app: TypedApp, services: NotificationStaffServices): void {
  app.get('/notifications/messages', {
    schema: {
      tags: [TAG],
      summary: 'The delivery log (发送记录): every message queued for a patient, newest first, filtered and paged',
      description:
        'Filters combine with AND. Scoped like the patient list: a role that sees only its own patients sees only their ' +
        'messages (and none without a patient, such as codes to unknown phones). recipient is masked unless the role holds ' +
        'patients:view_full_phone; verification codes always show as ******. With patient_id the read is audited ' +
        '(notification.log_read). A failed message can be sent again with POST notifications/messages/:id/retry.',
      querystring: DeliveryLogQuery,
      response: withErrors('staff', { 200: DeliveryLogResponse }, [400, 401, 403]),
    },
    config: { access: 'notifications:view' },
    handler: async (request) => {
      const q = request.query;
      if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw invalidField('from', '不能晚于 to');
      const { messages, total } = await services.log.list(
        staffOf(request),
        { patientId: q.patient_id, event: q.event, channel: q.channel, status: q.status, fromMs: q.from, toMs: q.to },
        { page: q.page, pageSize: q.page_size },
        auditActorOf(request),
      );
      return { messages, total, page: q.page, pageSize: q.page_size };
    },
  });

  app.post('/notifications/messages/:id/retry', {
    schema: {
      tags: [TAG],
      summary: 'Send a failed message again: back to the queue with a fresh set of attempts',
      description:
        "Only a failed message (409 otherwise); one outside the caller's view answers 404. The worker sends it on its " +
        'next pass. Audited (notification.retry) with the error it had.',
      params: IdParams,
      querystring: StaffTokenOnly,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: Type.Object({ message: MessageSchema }) }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'notifications:manage' },
    handler: async (request) => ({
      message: await services.log.retry(staffOf(request), request.params.id, auditActorOf(request), Date.now()),
    }),
  });

  app.get('/notifications/status', {
    schema: {
      tags: [TAG],
      summary: 'Which transport each channel uses, whether this instance delivers, and the messages per status',
      description:
        'transports.* = log means messages of that channel are only stored and shown here: the back office can say so.',
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: DeliveryStatusResponse }, [401, 403]),
    },
    config: { access: 'notifications:view' },
    handler: () => services.log.status(),
  });

  app.get('/notifications/templates', {
    schema: {
      tags: [TAG],
      summary: "The message templates (per event, language and channel) and each event's placeholders",
      description:
        'events lists, per event, the placeholders a template may use ({name}) and which it must (required). Security ' +
        'events (codes, password and phone changes) go by SMS only and cannot be turned off by patients.',
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: TemplatesResponse }, [401, 403]),
    },
    config: { access: ['notifications:view', 'notifications:manage'] },
    handler: async () => ({
      templates: (await services.templates.list()).map(templateView),
      events: NOTIFICATION_EVENTS.map((event) => {
        const spec = EVENT_CATALOGUE[event];
        return {
          event,
          description: spec.description,
          security: spec.security,
          channels: [...spec.channels],
          placeholders: spec.placeholders.map((placeholder) => ({
            ...placeholder,
            required: spec.required.includes(placeholder.name),
          })),
        };
      }),
      languages: [...LANGUAGES],
    }),
  });

  app.put('/notifications/templates/:id', {
    schema: {
      tags: [TAG],
      summary: 'Edit a template: placeholders are checked before it is saved',
      description:
        'An unknown placeholder or a missing required one answers 400 naming them (msg, and unknownPlaceholders / ' +
        'missingPlaceholders in the body). Email templates need a subject; others have none. WeChat bodies are one ' +
        '"field: text" line per field of the WeChat template. provider_template and sign_name: absent = unchanged, ' +
        'null or "" = cleared. Messages already queued keep the text they were rendered with. Audited ' +
        '(notification.template_update, before and after).',
      params: IdParams,
      body: TemplateUpdateBody,
      response: withErrors('staff', { 200: Type.Object({ template: TemplateSchema }) }, [400, 401, 403, 404]),
    },
    config: { access: 'notifications:manage' },
    handler: async (request) => {
      const staff = staffOf(request);
      const { token: _token, ...input } = request.body;
      const saved = await services.templates.update(
        request.params.id,
        input,
        staff.id,
        auditActorOf(request),
        nowSeconds(),
      );
      return { template: templateView(saved) };
    },
  });

  app.post('/notifications/templates/:id/reset', {
    schema: {
      tags: [TAG],
      summary: "Put a template's subject and body back to the installed default (template code and sign name stay)",
      params: IdParams,
      querystring: StaffTokenOnly,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: Type.Object({ template: TemplateSchema }) }, [400, 401, 403, 404]),
    },
    config: { access: 'notifications:manage' },
    handler: async (request) => {
      const saved = await services.templates.reset(
        request.params.id,
        staffOf(request).id,
        auditActorOf(request),
        nowSeconds(),
      );
      return { template: templateView(saved) };
    },
  });
}
