import { maskPhone } from '../../../domain/phone.js';
import type { OwnedAppointmentRow, StaffAppointmentRow } from './repository.js';

const asText = (value: number | null): string | null => (value === null ? null : String(value));

export function toPortalAppointment(row: OwnedAppointmentRow, cancelDeadline: number, now: number) {
  return {
    id: row.id,
    doctor_id: row.doctor_id,
    doctor_name: row.doctor_name,
    department_name: row.department_name,
    date: row.session_date,
    period: row.period,
    start_time: row.start_time,
    status: row.status,
    source: row.source,
    cancel_reason: row.cancel_reason,
    visit_reason: row.visit_reason,
    cancel_deadline: cancelDeadline,
    cancellable: row.status === 'booked' && now <= cancelDeadline,
    created_at: row.created_at,
  };
}

export function toStaffAppointment(row: StaffAppointmentRow, options: { showFullPhone: boolean }) {
  return {
    id: String(row.id),
    patientId: String(row.patient_id),
    patientName: row.patient_name,
    tel: row.patient_tel === null ? null : options.showFullPhone ? row.patient_tel : maskPhone(row.patient_tel),
    doctorId: String(row.doctor_id),
    doctorName: row.doctor_name,
    departmentName: row.department_name,
    date: row.session_date,
    period: row.period,
    startTime: String(row.start_time),
    status: row.status,
    source: row.source,
    bookedBy: asText(row.booked_by),
    cancelReason: row.cancel_reason,
    visitReason: row.visit_reason,
    cancelledBy: row.cancelled_by_type,
    visitId: asText(row.visit_id),
    createdAt: String(row.created_at),
  };
}
