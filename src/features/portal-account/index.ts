/**
 * The patient's portal account: registration, verified phones (codes, claiming the clinic's
 * record, password recovery, desk actions), sign-in, profile, password and avatar. A verified
 * login is attached to the one pool record of its phone (the one-record-per-person rule);
 * docs/portal-identity.md tells how.
 */

export { AvatarFiles } from './avatars/avatar-files.js';
export { AvatarFileRepository } from './avatars/repository.js';
export { type AvatarDependencies, registerAvatarFileRoute, registerAvatarUploadRoute } from './avatars/routes.js';
export { AvatarStorage } from './avatars/storage.js';
export { PatientGuard } from './guard.js';
export { registerDeskAccountRoutes } from './identity/desk-routes.js';
export { DeskAccountService } from './identity/desk-service.js';
export { IdentityService, PORTAL_CHANNEL_KEY } from './identity/identity-service.js';
export { type IdentityDependencies, registerIdentityRoutes } from './identity/routes.js';
export {
  CODE_LIFETIME_SECONDS,
  MAX_CHECKS_PER_CODE,
  RESEND_SECONDS,
  VerificationCodes,
} from './identity/verification-codes.js';
export { VerificationRepository } from './identity/verification-repository.js';
export { PortalAccountRepository } from './repository.js';
export { registerPortalAccountRoutes } from './routes.js';
export { PortalAccountService } from './service.js';
