/**
 * Messages to patients: the outbox written in business transactions (it implements the domain's
 * PatientNotices), the delivery worker and the reminder scan (background jobs), the transports
 * chosen by configuration, the templates, the patient's settings and the WeChat link, and the
 * back office's delivery log. docs/messages.md tells the whole story.
 */
export { EVENT_CATALOGUE, NOTIFICATION_EVENTS, type NotificationEvent, render, templateProblems } from './catalogue.js';
export { DeliveryLog } from './delivery-log.js';
export { backoffMs, type DeliveryOptions, DeliveryWorker, deliveryJob, leaseMs } from './delivery-worker.js';
export { NotificationOutbox } from './outbox.js';
export { OutboxRepository } from './outbox-repository.js';
export { registerNotificationPortalRoutes } from './portal-routes.js';
export { RecipientsRepository } from './recipients-repository.js';
export { ReminderRepository, ReminderScheduler } from './reminders.js';
export { NotificationSettingsService } from './settings-service.js';
export { type NotificationStaffServices, registerNotificationStaffRoutes } from './staff-routes.js';
export { TEMPLATE_CACHE_MS, TemplateCache } from './template-cache.js';
export { TemplateRepository } from './template-repository.js';
export { TemplateService } from './template-service.js';
export { buildTransports, buildWeChatApi, logTransport, type Transport, type Transports } from './transports/index.js';
