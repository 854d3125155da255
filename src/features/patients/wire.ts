import type { PatientRow } from '../../db/schema.js';

/** 13812345678 -> 138****5678. Anything that is not 11 characters is masked whole but its ends. */
export function maskPhone(tel: string): string {
  if (tel.length >= 7) return `${tel.slice(0, 3)}****${tel.slice(-4)}`;
  return '****';
}

const asText = (value: number | null): string | null => (value === null ? null : String(value));

/**
 * A pool record in the seed's response shape: camelCase keys, ids and numbers as
 * strings, times as Unix seconds in strings, absent values null.
 */
export function toWirePatient(row: PatientRow, options: { showFullPhone: boolean }) {
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
    mediaFromId: asText(row.media_from_id),
    doctorId: asText(row.doctor_id),
    advisoryWay: row.advisory_way,
    advisoryContent: row.advisory_content,
    area: row.area,
    remarks: row.remarks,
  };
}

export type WirePatient = ReturnType<typeof toWirePatient>;
