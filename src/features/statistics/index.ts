/** 数据中心: the funnel by time bucket and group, and the consultant rank. */
export { StatisticsRepository } from './repository.js';
export { registerStatisticsRoutes } from './routes.js';
export { StatisticsService } from './service.js';
