import type { PortalComposition } from './composition.js';
import { registerPortalBookingRoutes } from './features/booking/index.js';
import { registerPortalClinicRoute } from './features/clinic-info/index.js';
import { registerPortalConsultationRoutes } from './features/consultations/index.js';
import { registerNotificationPortalRoutes } from './features/notifications/index.js';
import {
  registerAvatarUploadRoute,
  registerIdentityRoutes,
  registerPortalAccountRoutes,
} from './features/portal-account/index.js';
import { registerPortalCatalogRoutes } from './features/portal-catalog/index.js';
import { registerPortalCompatRoutes } from './features/portal-compat/index.js';
import { registerPortalVisitNoteRoutes } from './features/visits/index.js';
import { guardRequestInput } from './http/body-guard.js';
import type { TypedApp } from './http/typed-app.js';

/** The patient portal API (seed 000), mounted at /patient. JSON bodies only. */
export async function portalApi(app: TypedApp, portal: PortalComposition): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (route.config?.access === undefined) {
      throw new Error(`Portal route ${String(route.method)} ${route.url} declares no access (config.access)`);
    }
  });
  app.addHook('preValidation', async (request) => {
    // Authenticate first: a caller without a valid token learns nothing about the input it sent.
    await portal.guard.authenticate(request);
    guardRequestInput(request, { dropEmptyFormFields: false });
  });

  registerPortalAccountRoutes(app, portal.accounts);
  registerIdentityRoutes(app, portal.identity);
  registerNotificationPortalRoutes(app, portal.notificationSettings);
  await registerAvatarUploadRoute(app, portal.avatars);
  registerPortalCatalogRoutes(app, portal.catalog, portal.booking.schedules);
  registerPortalBookingRoutes(app, portal.booking);
  registerPortalClinicRoute(app, portal.clinic);
  // The original patient client's doctor list and registration routes (issue 19, docs/portal-compat.md).
  registerPortalCompatRoutes(app, {
    appointments: portal.booking.appointments,
    catalog: portal.catalog,
    clinicName: portal.clinic.name,
  });
  registerPortalVisitNoteRoutes(app, portal.visitNotes);
  await registerPortalConsultationRoutes(app, portal.consultations);
}
