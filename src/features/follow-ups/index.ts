/** Follow-ups (回访): contacts with a patient and the next date to call, each patient's plan, and the due lists. */
export { FollowUpRepository } from './repository.js';
export { registerFollowUpRoutes } from './routes.js';
export { FollowUpService } from './service.js';
export {
  type DueBucket,
  dueFollowUpCount,
  type FollowUpWorklistFilters,
  FollowUpWorklistRepository,
  type WorklistDates,
} from './worklist-repository.js';
