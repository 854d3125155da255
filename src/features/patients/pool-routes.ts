import type { TypedApp } from '../../http/typed-app.js';
import { registerPatientRecordRoutes } from './record-routes.js';
import type { PatientRecordService } from './record-service.js';
import { registerRecycleBinRoutes } from './recycle-bin-routes.js';
import { registerPatientRoutes } from './routes.js';
import type { PatientService } from './service.js';
import type { PatientUpdateService } from './update-service.js';

/** The patients feature's services, built once by the composition root. */
export interface PatientServices {
  pool: PatientService;
  records: PatientRecordService;
  updates: PatientUpdateService;
}

/** The pool (list, registration) and one patient's life after it: detail, edits, duplicates, recycle bin. */
export function registerPatientPoolRoutes(app: TypedApp, patients: PatientServices): void {
  registerPatientRoutes(app, patients.pool);
  registerPatientRecordRoutes(app, patients.records, patients.updates);
  registerRecycleBinRoutes(app, patients.records);
}
