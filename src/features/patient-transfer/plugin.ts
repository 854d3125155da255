import multipart from '@fastify/multipart';
import type { TypedApp } from '../../http/typed-app.js';
import type { CoreServices } from '../../services.js';
import { registerExportRoutes } from './export-routes.js';
import { registerImportRoutes } from './import-routes.js';

export const IMPORT_FILE_LIMIT_BYTES = 20 * 1024 * 1024;

/**
 * Export and import of the pool, in a plugin scope of their own: the multipart parser
 * (and its 20 MB file limit) applies to these routes only, every other staff route keeps
 * refusing multipart bodies.
 */
export async function patientTransferPlugin(app: TypedApp, options: { core: CoreServices }): Promise<void> {
  await app.register(multipart, {
    limits: { fileSize: IMPORT_FILE_LIMIT_BYTES, files: 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 100 },
  });
  registerExportRoutes(app, options.core);
  registerImportRoutes(app, options.core);
}
