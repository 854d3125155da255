/** /healthz for load balancers and orchestrators. */
export { registerHealthRoutes } from './routes.js';
