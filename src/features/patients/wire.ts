import type { PatientRow } from '../../db/schema.js';
import { fenToYuan } from '../../domain/money.js';
import { maskPhone } from '../../domain/phone.js';
import type { PatientListRow } from './repository.js';

const asText = (value: number | null): string | null => (value === null ? null : String(value));

/**
 * What the caller may read: the whole phone, and the marketing fields (channel, consultation
 * way and content, spend), which a doctor's scope leaves out (canSeeMarketing): absent, not null.
 */
export interface WireOptions {
  showFullPhone: boolean;
  showMarketing: boolean;
}

/**
 * A pool record in the seed's response shape: camelCase keys, ids and numbers as
 * strings, times as Unix seconds in strings, absent values null.
 */
export function toWirePatient(row: PatientListRow, options: WireOptions) {
  return {
    id: String(row.id),
    name: row.name,
    sex: asText(row.sex),
    tel: row.tel === null ? null : options.showFullPhone ? row.tel : maskPhone(row.tel),
    age: asText(row.age),
    wechat: row.wechat,
    qq: row.qq,
    addTime: String(row.add_time),
    orderTime: asText(row.order_time),
    reachTime: asText(row.reach_time),
    diseaseId: asText(row.disease_id),
    authorId: asText(row.author_id),
    state: String(row.state),
    ...(options.showMarketing ? { mediaFromId: asText(row.media_from_id) } : {}),
    doctorId: asText(row.doctor_id),
    ...(options.showMarketing ? { advisoryWay: row.advisory_way, advisoryContent: row.advisory_content } : {}),
    area: row.area,
    remarks: row.remarks,
  };
}

export type WirePatient = ReturnType<typeof toWirePatient>;

type DetailSource = PatientRow & {
  disease_name: string | null;
  department_id: number | null;
  department_name: string | null;
  doctor_name: string | null;
  media_from_name: string | null;
  author_name: string | null;
};

/** GET patient/:id: the list shape plus catalog and author names, spend and visits. */
export function toWirePatientDetail(row: DetailSource, options: WireOptions) {
  return {
    ...toWirePatient(row, options),
    diseaseName: row.disease_name,
    departmentId: asText(row.department_id),
    departmentName: row.department_name,
    doctorName: row.doctor_name,
    ...(options.showMarketing ? { mediaFromName: row.media_from_name, spend: fenToYuan(row.spend_fen) } : {}),
    authorName: row.author_name,
    visitCount: String(row.visit_count),
    birthDate: row.birth_date,
    address: row.address,
    medicalHistory: row.medical_history,
    avatarUrl: row.avatar_url,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

/** A recycle-bin entry: the list shape plus who deleted it and when. */
export function toWireDeletedPatient(row: PatientRow & { deleted_by_name: string | null }, options: WireOptions) {
  return {
    ...toWirePatient(row, options),
    deletedAt: asText(row.deleted_at),
    deletedBy: asText(row.deleted_by),
    deletedByName: row.deleted_by_name,
  };
}
