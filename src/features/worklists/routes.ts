import type { ClinicCalendar } from '../../domain/clinic-time/clinic-calendar.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { FollowUpWorklistRepository } from '../follow-ups/index.js';
import { registerFollowUpWorklistRoutes } from './follow-up-routes.js';

/** What the worklists read, built once by the composition root. */
export interface WorklistServices {
  followUpPlans: FollowUpWorklistRepository;
  calendar: ClinicCalendar;
}

/** The daily worklists: the consultants' follow-ups. */
export function registerWorklistRoutes(app: TypedApp, services: WorklistServices): void {
  registerFollowUpWorklistRoutes(app, services.followUpPlans, services.calendar);
}
