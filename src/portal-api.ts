import { guardRequestInput } from './http/body-guard.js';
import type { TypedApp } from './http/typed-app.js';
import { createAvatarFiles } from './features/avatars/avatar-files.js';
import { ReferenceRepository } from './features/catalogs/reference-repository.js';
import { PatientRepository } from './features/patients/repository.js';
import { PatientGuard } from './features/portal-account/guard.js';
import { PortalAccountRepository } from './features/portal-account/repository.js';
import { registerPortalAccountRoutes } from './features/portal-account/routes.js';
import { PortalAccountService } from './features/portal-account/service.js';
import type { CoreServices } from './services.js';
import { registerPortalBooking } from './features/appointments/register.js';

/** The patient portal API (seed 000), mounted at /patient. JSON bodies only. */
export async function portalApi(app: TypedApp, options: { core: CoreServices }): Promise<void> {
  const { core } = options;

  app.addHook('onRoute', (route) => {
    if (route.config?.access === undefined) {
      throw new Error(`Portal route ${String(route.method)} ${route.url} declares no access (config.access)`);
    }
  });

  const accounts = new PortalAccountRepository(core.db);
  const guard = new PatientGuard(core.tokens, accounts);
  app.addHook('preValidation', async (request) => {
    // Authenticate first: a caller without a valid token learns nothing about the input it sent.
    await guard.authenticate(request);
    guardRequestInput(request, { dropEmptyFormFields: false });
  });

  registerPortalAccountRoutes(
    app,
    new PortalAccountService(core, accounts, new PatientRepository(core.db, core.dialect), new ReferenceRepository(core.db), createAvatarFiles(core).files),
  );
  await registerPortalBooking(app, core);
}
