import type { TypedApp } from '../../http/typed-app.js';
import type { CoreServices } from '../../services.js';
import { registerRecycleBinRoutes } from './recycle-bin-routes.js';
import { PatientRecordRepository } from './record-repository.js';
import { registerPatientRecordRoutes } from './record-routes.js';
import { PatientRecordService } from './record-service.js';
import { PatientRepository } from './repository.js';
import { PatientUpdateService } from './update-service.js';

/** One patient's life after registration: detail, edits, duplicates, recycle bin. */
export function registerPatientPoolRoutes(app: TypedApp, core: CoreServices): void {
  const records = new PatientRecordRepository(core.db);
  const recordService = new PatientRecordService(core, new PatientRepository(core.db, core.dialect), records);
  registerPatientRecordRoutes(app, recordService, new PatientUpdateService(core, records));
  registerRecycleBinRoutes(app, recordService);
}
