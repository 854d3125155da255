/** The dashboard: today's and this month's figures and the caller's follow-ups due, in one request. */
export { DashboardRepository } from './repository.js';
export { registerDashboardRoutes } from './routes.js';
