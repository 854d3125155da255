/**
 * Visits (到诊): arrivals at the clinic, first or return, with their spend. recordArrival is the one
 * way an arrival is written, from the pool record, an appointment or a staff edit. Visit notes (病历,
 * notes/): per visit, versioned, released to the patient, with attachments.
 */
export { ArrivalService } from './arrival-service.js';
export { NoteAttachmentStorage } from './notes/attachment-storage.js';
export { registerPortalVisitNoteRoutes } from './notes/portal-routes.js';
export { VisitNoteRepository } from './notes/repository.js';
export { registerVisitNoteRoutes } from './notes/routes.js';
export { VisitNoteService } from './notes/service.js';
export { type ArrivalInput, recordArrival } from './record-arrival.js';
export { VisitRepository } from './repository.js';
export { registerVisitRoutes } from './routes.js';
