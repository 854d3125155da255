/** The clinic's public facts (name, address, phone, hours, time zone) for the portal and the back office. */
export { type ClinicInfo, clinicInfoOf, registerPortalClinicRoute, registerStaffClinicRoute } from './routes.js';
