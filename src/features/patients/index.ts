/**
 * The patient pool (客户池): the list and its search, registration, one patient's record, edits,
 * duplicates and the recycle bin, handover between consultants and the shared pool (公海), and the
 * counted lookups of whole phone numbers by callers who see phones masked.
 */
export { HandoverRepository } from './handover-repository.js';
export { HandoverService } from './handover-service.js';
export { PhoneLookupRepository } from './phone-lookup-repository.js';
export { type PhoneLookupPurpose, PhoneLookups } from './phone-lookups.js';
export { type PatientServices, registerPatientPoolRoutes } from './pool-routes.js';
export { PoolTotals } from './pool-total.js';
export { PatientRecordRepository } from './record-repository.js';
export { PatientRecordService } from './record-service.js';
export { PatientRepository, patientConditions } from './repository.js';
export { PatientService } from './service.js';
export { SharedPoolRepository } from './shared-pool-repository.js';
export { SharedPoolService, sharedPoolJobs } from './shared-pool-service.js';
export { PatientUpdateService } from './update-service.js';
export { toWirePatient } from './wire.js';
