import type { TypedApp } from '../../http/typed-app.js';
import { registerHandoverRoutes } from './handover-routes.js';
import type { HandoverService } from './handover-service.js';
import { registerPatientRecordRoutes } from './record-routes.js';
import type { PatientRecordService } from './record-service.js';
import { registerRecycleBinRoutes } from './recycle-bin-routes.js';
import { registerPatientRoutes } from './routes.js';
import type { PatientService } from './service.js';
import type { SharedPoolService } from './shared-pool-service.js';
import type { PatientUpdateService } from './update-service.js';

/** The patients feature's services, built once by the composition root. */
export interface PatientServices {
  pool: PatientService;
  records: PatientRecordService;
  updates: PatientUpdateService;
  handovers: HandoverService;
  sharedPool: SharedPoolService;
}

/** The pool (list, registration) and one patient's life after it: detail, edits, duplicates, recycle bin, handover. */
export function registerPatientPoolRoutes(app: TypedApp, patients: PatientServices): void {
  registerPatientRoutes(app, patients.pool);
  registerHandoverRoutes(app, patients.handovers, patients.sharedPool);
  registerPatientRecordRoutes(app, patients.records, patients.updates);
  registerRecycleBinRoutes(app, patients.records);
}
