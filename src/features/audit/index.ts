/** The audit log's reader (操作日志) and the recorder of denied staff requests; writing events is src/domain/audit.ts. */
export { AuditQueryRepository } from './audit-query-repository.js';
export { DeniedAccessRecorder } from './denied-access.js';
export { registerAuditRoutes } from './routes.js';
