/** The staff menu, derived from the caller's permission keys. */
export { registerMenuRoutes } from './routes.js';
