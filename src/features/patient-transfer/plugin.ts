import multipart from '@fastify/multipart';
import type { TypedApp } from '../../http/typed-app.js';
import { type ExportDependencies, registerExportRoutes } from './export-routes.js';
import { registerImportRoutes } from './import-routes.js';
import type { ImportService } from './import-service.js';

export const IMPORT_FILE_LIMIT_BYTES = 20 * 1024 * 1024;

export interface PatientTransferServices {
  exporting: ExportDependencies;
  importing: ImportService;
}

/**
 * Export and import of the pool, in a plugin scope of their own: the multipart parser
 * (and its 20 MB file limit) applies to these routes only, every other staff route keeps
 * refusing multipart bodies.
 */
export async function patientTransferPlugin(app: TypedApp, services: PatientTransferServices): Promise<void> {
  await app.register(multipart, {
    limits: { fileSize: IMPORT_FILE_LIMIT_BYTES, files: 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 100 },
  });
  registerExportRoutes(app, services.exporting);
  registerImportRoutes(app, services.importing);
}
