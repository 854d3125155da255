/** Export of the filtered pool (CSV, xlsx, streamed) and import from a file (dry run, then an all-or-nothing commit). */
export { ExportRepository } from './export-repository.js';
export { ImportRepository } from './import-repository.js';
export { ImportService } from './import-service.js';
export { type PatientTransferServices, patientTransferPlugin } from './plugin.js';
