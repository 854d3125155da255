/** Follow-ups (回访): contacts with a patient and the next date to call, and each consultant's due list. */
export { FollowUpRepository, isLatestContactOfItsAuthor } from './repository.js';
export { registerFollowUpRoutes } from './routes.js';
export { FollowUpService } from './service.js';
