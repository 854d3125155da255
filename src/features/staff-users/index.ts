/** Staff accounts (人员管理): the list, creation, edits, disabling, password resets, and the first administrator. */
export { ensureFirstAdministrator, type FirstAdministrator, firstStartBanner } from './bootstrap.js';
export { administratorRoleId, insertStaffUser, StaffUserRepository } from './repository.js';
export { registerStaffUserRoutes } from './routes.js';
export { StaffUserService } from './service.js';
