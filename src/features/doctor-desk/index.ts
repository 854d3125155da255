/**
 * 医生工作台 (issue 19, docs/doctors.md): the day of the doctor a staff account is linked to, the
 * arrive / seen actions on their own appointments, and their weekly schedule.
 */
export { DoctorDayRepository } from './repository.js';
export { type DoctorDeskServices, registerDoctorDeskRoutes } from './routes.js';
