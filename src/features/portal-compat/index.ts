/**
 * Compatibility with the patient client built for the original API (issue 19): its doctor list and
 * registration routes on top of CarePool's catalog and booking service (docs/portal-compat.md).
 */
export { type PortalCompatDependencies, registerPortalCompatRoutes } from './routes.js';
