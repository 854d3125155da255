/**
 * 问诊 (issue 19, docs/consultations.md): a patient's written questions to one doctor and the
 * doctor's answers, text and images, with unread counts, live delivery over Server-Sent Events
 * (PostgreSQL LISTEN/NOTIFY across instances; on SQLite a look after each commit and every
 * 250 ms), and an outbox message to a patient who leaves an answer unread.
 */
export { type ConsultationSignal, PostgresNotifySignal, SqlitePollSignal } from './live/feed.js';
export { ConsultationLive } from './live/live.js';
export { type ConsultationRouteDependencies, registerPortalConsultationRoutes } from './portal-routes.js';
export { ConsultationRepository } from './repository.js';
export { ConsultationService } from './service.js';
export { registerStaffConsultationRoutes } from './staff-routes.js';
