import type { ClinicCalendar } from '../../domain/clinic-time/clinic-calendar.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { FrontDeskRepository } from '../booking/index.js';
import type { FollowUpWorklistRepository } from '../follow-ups/index.js';
import { registerFollowUpWorklistRoutes } from './follow-up-routes.js';
import { registerFrontDeskRoutes } from './front-desk-routes.js';

/** What the worklists read, built once by the composition root. */
export interface WorklistServices {
  followUpPlans: FollowUpWorklistRepository;
  frontDesk: FrontDeskRepository;
  calendar: ClinicCalendar;
  /** LATE_AFTER_MINUTES. */
  lateAfterMinutes: number;
}

/** The daily worklists: the front desk's day and the consultants' follow-ups. */
export function registerWorklistRoutes(app: TypedApp, services: WorklistServices): void {
  registerFrontDeskRoutes(app, services.frontDesk, services.calendar, services.lateAfterMinutes);
  registerFollowUpWorklistRoutes(app, services.followUpPlans, services.calendar);
}
