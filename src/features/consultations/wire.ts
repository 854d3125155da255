import { ageOn } from '../../domain/age.js';
import type { ConsultationRepository } from './repository.js';

type Consultation = NonNullable<Awaited<ReturnType<ConsultationRepository['findById']>>>;
type Message = Awaited<ReturnType<ConsultationRepository['message']>>;

export const PORTAL_IMAGE_PATH = '/patient/consultation-images';
export const STAFF_IMAGE_PATH = '/back_end/api/v1/consultation/image';

const num = (value: number | string) => Number(value);
const text = (value: number | string | null) => (value === null ? null : String(value));

export function toPortalConsultation(row: Consultation) {
  return {
    id: row.id,
    doctor_id: row.doctor_id,
    doctor_name: row.doctor_name,
    doctor_title: row.doctor_title,
    department_name: row.department_name,
    status: row.status,
    unread: row.patient_unread,
    last_message: row.last_message,
    last_message_kind: row.last_message_kind,
    last_message_at: num(row.last_message_at),
    created_at: num(row.created_at),
    closed_at: row.closed_at === null ? null : num(row.closed_at),
  };
}

export function toPortalMessage(row: Message) {
  return {
    id: row.id,
    consultation_id: row.consultation_id,
    sender: row.sender,
    kind: row.kind,
    text: row.body,
    image_url: row.kind === 'image' ? `${PORTAL_IMAGE_PATH}/${row.id}` : null,
    created_at: num(row.created_at),
  };
}

export function toStaffConsultation(row: Consultation, today: string) {
  return {
    id: String(row.id),
    patient: {
      id: String(row.patient_id),
      name: row.patient_name,
      sex: text(row.patient_sex),
      age: ageOn(today, row.patient_age, row.patient_birth_date),
    },
    status: row.status,
    unread: row.doctor_unread,
    lastMessage: row.last_message,
    lastMessageKind: row.last_message_kind,
    lastMessageAt: String(row.last_message_at),
    createdAt: String(row.created_at),
    closedAt: text(row.closed_at),
  };
}

export function toStaffMessage(row: Message) {
  return {
    id: String(row.id),
    consultationId: String(row.consultation_id),
    sender: row.sender,
    kind: row.kind,
    text: row.body,
    imageUrl: row.kind === 'image' ? `${STAFF_IMAGE_PATH}/${row.id}` : null,
    createdAt: String(row.created_at),
  };
}
