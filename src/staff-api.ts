import formBody from '@fastify/formbody';
import type { StaffComposition } from './composition.js';
import { registerAuditRoutes } from './features/audit/index.js';
import { registerStaffBookingRoutes } from './features/booking/index.js';
import { registerCatalogRoutes } from './features/catalogs/index.js';
import { registerStaffClinicRoute } from './features/clinic-info/index.js';
import { registerStaffConsultationRoutes } from './features/consultations/index.js';
import { registerDashboardRoutes } from './features/dashboard/index.js';
import { registerDoctorDeskRoutes } from './features/doctor-desk/index.js';
import { registerFollowUpRoutes } from './features/follow-ups/index.js';
import { registerMenuRoutes } from './features/menu/index.js';
import { registerNotificationStaffRoutes } from './features/notifications/index.js';
import { patientTransferPlugin } from './features/patient-transfer/index.js';
import { registerPatientPoolRoutes } from './features/patients/index.js';
import { registerDeskAccountRoutes } from './features/portal-account/index.js';
import { registerRoleRoutes } from './features/roles/index.js';
import { registerMeRoutes, registerStaffAuthRoutes } from './features/staff-auth/index.js';
import { registerStaffUserRoutes } from './features/staff-users/index.js';
import { registerCostRoutes, registerStatisticsRoutes } from './features/statistics/index.js';
import { registerVisitNoteRoutes, registerVisitRoutes } from './features/visits/index.js';
import { registerWorklistRoutes } from './features/worklists/index.js';
import { guardRequestInput } from './http/body-guard.js';
import type { TypedApp } from './http/typed-app.js';

/** The staff API (seed 004), mounted at /back_end/api/v1: the guard, then every feature's staff routes. */
export async function staffApi(app: TypedApp, staff: StaffComposition): Promise<void> {
  await app.register(formBody, { bodyLimit: 1024 * 1024 });

  app.addHook('onRoute', (route) => {
    if (route.config?.access === undefined) {
      throw new Error(`Staff route ${String(route.method)} ${route.url} declares no access (config.access)`);
    }
  });
  app.addHook('preValidation', async (request) => {
    // Authenticate first: a caller without a valid token learns nothing about the input it sent.
    await staff.guard.authenticate(request);
    guardRequestInput(request, { dropEmptyFormFields: true });
  });
  staff.deniedAccess.install(app);

  registerStaffAuthRoutes(app, staff.auth);
  registerMenuRoutes(app);
  registerMeRoutes(app, staff.roleRepository);
  registerPatientPoolRoutes(app, staff.patients);
  registerFollowUpRoutes(app, staff.followUps);
  registerVisitRoutes(app, staff.arrivals);
  await registerVisitNoteRoutes(app, staff.visitNotes);
  registerStatisticsRoutes(app, staff.statistics);
  registerCostRoutes(app, staff.costs);
  registerDashboardRoutes(app, staff.dashboard, staff.statistics);
  await app.register(patientTransferPlugin, staff.transfer);
  registerStaffUserRoutes(app, staff.staffUsers);
  registerRoleRoutes(app, staff.roles);
  registerAuditRoutes(app, staff.auditLog);
  registerCatalogRoutes(app, staff.catalogs);
  registerStaffBookingRoutes(app, staff.booking);
  registerNotificationStaffRoutes(app, staff.notifications);
  registerDeskAccountRoutes(app, staff.deskAccounts);
  registerWorklistRoutes(app, staff.worklists);
  registerDoctorDeskRoutes(app, staff.doctorDesk);
  await registerStaffConsultationRoutes(app, staff.consultations);
  registerStaffClinicRoute(app, staff.clinic);
}
