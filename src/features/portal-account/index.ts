/**
 * The patient's portal account: registration, sign-in, profile, password and avatar. A login
 * is attached to the one pool record of its phone (the one-record-per-person rule).
 */

export { AvatarFiles } from './avatars/avatar-files.js';
export { AvatarFileRepository } from './avatars/repository.js';
export { type AvatarDependencies, registerAvatarFileRoute, registerAvatarUploadRoute } from './avatars/routes.js';
export { AvatarStorage } from './avatars/storage.js';
export { PatientGuard } from './guard.js';
export { PortalAccountRepository } from './repository.js';
export { registerPortalAccountRoutes } from './routes.js';
export { PortalAccountService } from './service.js';
