import type { TypedApp } from '../../http/typed-app.js';
import { registerCatalogListRoutes } from './catalog-routes.js';
import { registerDepartmentRoutes } from './department-routes.js';
import type { CatalogService } from './service.js';

/** 信息管理: departments with diseases, doctors, channels, advisory ways. */
export function registerCatalogRoutes(app: TypedApp, service: CatalogService): void {
  registerDepartmentRoutes(app, service);
  registerCatalogListRoutes(app, service);
}
