/** What anyone may browse before signing in: departments, doctors and their open sessions. */
export { PortalCatalogRepository } from './repository.js';
export { registerPortalCatalogRoutes } from './routes.js';
