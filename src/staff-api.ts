import formBody from '@fastify/formbody';
import { AppError } from './http/errors.js';
import type { TypedApp } from './http/typed-app.js';
import { ReferenceRepository } from './features/catalogs/reference-repository.js';
import { registerMenuRoutes } from './features/menu/routes.js';
import { PatientRepository } from './features/patients/repository.js';
import { registerPatientRoutes } from './features/patients/routes.js';
import { PatientService } from './features/patients/service.js';
import { StaffGuard } from './features/staff-auth/guard.js';
import { StaffAuthRepository } from './features/staff-auth/repository.js';
import { registerStaffAuthRoutes } from './features/staff-auth/routes.js';
import { StaffAuthService } from './features/staff-auth/service.js';
import type { CoreServices } from './services.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A form field left empty means "not given", as browsers send every input of a form. */
function dropEmptyFormFields(body: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(body)) if (value === '') delete body[key];
}

/** The staff API (seed 004), mounted at /back_end/api/v1. */
export async function staffApi(app: TypedApp, options: { core: CoreServices }): Promise<void> {
  const { core } = options;
  await app.register(formBody, { bodyLimit: 1024 * 1024 });

  app.addHook('onRoute', (route) => {
    if (route.config?.access === undefined) {
      throw new Error(`Staff route ${String(route.method)} ${route.url} declares no access (config.access)`);
    }
  });

  const authRepository = new StaffAuthRepository(core.db);
  const guard = new StaffGuard(core.tokens, authRepository);
  app.addHook('preValidation', async (request) => {
    if (BODY_METHODS.has(request.method)) {
      if (request.body === undefined || request.body === null) request.body = {};
      else if (typeof request.body !== 'object' || Array.isArray(request.body)) throw new AppError('malformed_body', '请求体应为 JSON 对象或表单');
      else if (request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
        dropEmptyFormFields(request.body as Record<string, unknown>);
      }
    }
    await guard.authenticate(request);
  });

  const patients = new PatientRepository(core.db);
  const references = new ReferenceRepository(core.db);

  registerStaffAuthRoutes(app, new StaffAuthService(core, authRepository));
  registerMenuRoutes(app);
  registerPatientRoutes(app, new PatientService(core, patients, references));
}
