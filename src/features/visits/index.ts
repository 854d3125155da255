/**
 * Visits (到诊): arrivals at the clinic, first or return, with their spend. recordArrival is the one
 * way an arrival is written, from the pool record, an appointment or a staff edit.
 */
export { ArrivalService } from './arrival-service.js';
export { type ArrivalInput, recordArrival } from './record-arrival.js';
export { VisitRepository } from './repository.js';
export { registerVisitRoutes } from './routes.js';
