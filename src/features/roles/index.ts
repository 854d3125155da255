/** Roles and their permission sets (the catalogue in src/domain/permissions.ts). */
export { RoleRepository } from './repository.js';
export { registerRoleRoutes } from './routes.js';
export { RoleService } from './service.js';
