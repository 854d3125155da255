/**
 * Catalogs (信息管理): departments with their diseases, doctors, channels and advisory ways, and the
 * check other features make that an id they are given names an active entry.
 */
export { CatalogRepository } from './catalog-repository.js';
export { ReferenceRepository, type ReferenceTable } from './reference-repository.js';
export { registerCatalogRoutes } from './routes.js';
export { CatalogService, PORTAL_CHANNEL_SYSTEM_KEY } from './service.js';
