/** 数据中心: the funnel (cohort and activity views) by time bucket and group, the consultant rank, and marketing cost. */
export { CostRepository } from './costs/repository.js';
export { registerCostRoutes } from './costs/routes.js';
export { CostService } from './costs/service.js';
export { StatisticsRepository } from './repository.js';
export { registerStatisticsRoutes } from './routes.js';
export { StatisticsService } from './service.js';
