import type { TypedApp } from '../../http/typed-app.js';
import type { CoreServices } from '../../services.js';
import { CatalogRepository } from './catalog-repository.js';
import { registerCatalogListRoutes } from './catalog-routes.js';
import { registerDepartmentRoutes } from './department-routes.js';
import { CatalogService } from './service.js';

/** 信息管理: departments with diseases, doctors, channels, advisory ways. */
export function registerCatalogRoutes(app: TypedApp, core: CoreServices): void {
  const service = new CatalogService(core, new CatalogRepository(core.db));
  registerDepartmentRoutes(app, service);
  registerCatalogListRoutes(app, service);
}
