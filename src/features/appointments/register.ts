import type { TypedApp } from '../../http/typed-app.js';
import type { CoreServices } from '../../services.js';
import { registerAvatarUploadRoute } from '../avatars/routes.js';
import { PortalCatalogRepository } from '../portal-catalog/repository.js';
import { registerPortalCatalogRoutes } from '../portal-catalog/routes.js';
import { ClinicCalendar } from '../../domain/clinic-time/clinic-calendar.js';
import { ScheduleRepository } from '../schedules/repository.js';
import { registerPortalSessionRoutes, registerStaffScheduleRoutes } from '../schedules/routes.js';
import { ScheduleService } from '../schedules/service.js';
import { registerPortalAppointmentRoutes } from './portal-routes.js';
import { AppointmentRepository } from './repository.js';
import { registerStaffAppointmentRoutes } from './staff-routes.js';
import { AppointmentService } from './service.js';

/** One wiring for both families, so the portal and the staff book through the same service. */
function buildServices(core: CoreServices) {
  const calendar = new ClinicCalendar(core.config.clinicTimezone);
  const schedules = new ScheduleRepository(core.db);
  const appointments = new AppointmentRepository(core.db);
  return {
    appointments,
    scheduleService: new ScheduleService(core, schedules, appointments, calendar),
    appointmentService: new AppointmentService(core, appointments, schedules, calendar),
  };
}

/** Portal: departments, doctors, sessions, bookings, avatar upload. */
export async function registerPortalBooking(app: TypedApp, core: CoreServices): Promise<void> {
  const { scheduleService, appointmentService } = buildServices(core);
  registerPortalCatalogRoutes(app, new PortalCatalogRepository(core.db), scheduleService);
  registerPortalSessionRoutes(app, scheduleService);
  registerPortalAppointmentRoutes(app, appointmentService);
  await registerAvatarUploadRoute(app, core);
}

/** Staff: schedules, day lists, booking on a patient's behalf, arrival / missed / cancel. */
export function registerStaffBooking(app: TypedApp, core: CoreServices): void {
  const { appointments, scheduleService, appointmentService } = buildServices(core);
  registerStaffScheduleRoutes(app, scheduleService);
  registerStaffAppointmentRoutes(app, appointmentService, scheduleService, appointments);
}
