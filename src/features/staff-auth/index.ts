/** Staff sign-in: tokens (issue, refresh, revoke), the guard every staff route passes, and the caller's own account. */
export { StaffGuard } from './guard.js';
export { registerMeRoutes } from './me-routes.js';
export { StaffAuthRepository } from './repository.js';
export { registerStaffAuthRoutes } from './routes.js';
export { StaffAuthService } from './service.js';
