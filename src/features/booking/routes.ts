import type { TypedApp } from '../../http/typed-app.js';
import { registerPortalAppointmentRoutes } from './appointments/portal-routes.js';
import type { AppointmentRepository } from './appointments/repository.js';
import type { AppointmentService } from './appointments/service.js';
import { registerStaffAppointmentRoutes } from './appointments/staff-routes.js';
import { registerPortalSessionRoutes, registerStaffScheduleRoutes } from './schedules/routes.js';
import type { ScheduleService } from './schedules/service.js';

/** Booking's services, built once by the composition root: the portal and the staff book through the same ones. */
export interface BookingServices {
  schedules: ScheduleService;
  appointments: AppointmentService;
  appointmentRepository: AppointmentRepository;
}

/** Portal: open sessions and the patient's own bookings. */
export function registerPortalBookingRoutes(app: TypedApp, booking: BookingServices): void {
  registerPortalSessionRoutes(app, booking.schedules);
  registerPortalAppointmentRoutes(app, booking.appointments);
}

/** Staff: schedules, day lists, booking on a patient's behalf, arrival / missed / cancel. */
export function registerStaffBookingRoutes(app: TypedApp, booking: BookingServices): void {
  registerStaffScheduleRoutes(app, booking.schedules);
  registerStaffAppointmentRoutes(app, booking.appointments, booking.schedules, booking.appointmentRepository);
}
