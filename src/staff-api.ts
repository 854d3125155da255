import formBody from '@fastify/formbody';
import { guardRequestInput } from './http/body-guard.js';
import type { TypedApp } from './http/typed-app.js';
import { ReferenceRepository } from './features/catalogs/reference-repository.js';
import { registerMenuRoutes } from './features/menu/routes.js';
import { PatientRepository } from './features/patients/repository.js';
import { registerPatientRoutes } from './features/patients/routes.js';
import { PatientService } from './features/patients/service.js';
import { PoolTotals } from './features/patients/pool-total.js';
import { RollupRepository } from './features/rollup/rollup-repository.js';
import { registerPatientPoolRoutes } from './features/patients/pool-routes.js';
import { registerFollowUpRoutes } from './features/follow-ups/routes.js';
import { registerVisitRoutes } from './features/visits/routes.js';
import { StaffGuard } from './features/staff-auth/guard.js';
import { StaffAuthRepository } from './features/staff-auth/repository.js';
import { registerStaffAuthRoutes } from './features/staff-auth/routes.js';
import { registerMeRoutes } from './features/staff-auth/me-routes.js';
import { StaffAuthService } from './features/staff-auth/service.js';
import { registerStaffUserRoutes } from './features/staff-users/routes.js';
import { registerRoleRoutes } from './features/roles/routes.js';
import { registerAuditRoutes } from './features/audit/routes.js';
import { DeniedAccessRecorder } from './features/audit/denied-access.js';
import { registerCatalogRoutes } from './features/catalogs/routes.js';
import { registerStatisticsRoutes } from './features/statistics/routes.js';
import { registerDashboardRoutes } from './features/dashboard/routes.js';
import { patientTransferPlugin } from './features/patient-transfer/plugin.js';
import type { CoreServices } from './services.js';
import { registerStaffBooking } from './features/appointments/register.js';

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
    // Authenticate first: a caller without a valid token learns nothing about the input it sent.
    await guard.authenticate(request);
    guardRequestInput(request, { dropEmptyFormFields: true });
  });
  new DeniedAccessRecorder(core.db, core.audit).install(app);

  const patients = new PatientRepository(core.db, core.dialect);
  const references = new ReferenceRepository(core.db);

  registerStaffAuthRoutes(app, new StaffAuthService(core, authRepository));
  registerMenuRoutes(app);
  registerMeRoutes(app, core);
  const poolTotals = new PoolTotals(new RollupRepository(core.db), core.config.clinicTimezone);
  registerPatientRoutes(app, new PatientService(core, patients, references, poolTotals));
  registerPatientPoolRoutes(app, core);
  registerFollowUpRoutes(app, core);
  registerVisitRoutes(app, core);
  registerStatisticsRoutes(app, core);
  registerDashboardRoutes(app, core);
  await app.register(patientTransferPlugin, { core });
  registerStaffUserRoutes(app, core);
  registerRoleRoutes(app, core);
  registerAuditRoutes(app, core);
  registerCatalogRoutes(app, core);
  registerStaffBooking(app, core);
}
