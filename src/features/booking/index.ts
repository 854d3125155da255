/**
 * Booking: doctors' weekly sessions and their exceptions (停诊, extra sessions), the places of
 * each dated session, and appointments by patients and by staff on their behalf.
 * Other features use what is exported here and nothing else.
 */
export { type ArrivalState, FrontDeskRepository } from './appointments/front-desk-repository.js';
export { AppointmentRepository } from './appointments/repository.js';
export { AppointmentService } from './appointments/service.js';
export { PatientBookings } from './patient-bookings.js';
export { type BookingServices, registerPortalBookingRoutes, registerStaffBookingRoutes } from './routes.js';
export { ScheduleRepository } from './schedules/repository.js';
export { ScheduleService } from './schedules/service.js';
