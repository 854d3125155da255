/** The day's work lists: the front desk's day across doctors and the consultants' follow-ups. */
export { registerWorklistRoutes, type WorklistServices } from './routes.js';
