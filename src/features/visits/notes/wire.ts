import { PORTAL_PREFIX, STAFF_PREFIX } from '../../../http/envelopes.js';
import type { CurrentNoteRow, NoteAttachmentRow, NoteVersionRow } from './repository.js';

const asText = (value: number | null) => (value === null ? null : String(value));

export function toWireVersion(row: NoteVersionRow) {
  return {
    version: row.version,
    chiefComplaint: row.chief_complaint,
    findings: row.findings,
    diagnosis: {
      diseaseId: asText(row.diagnosis_disease_id),
      diseaseName: row.diagnosis_disease_name,
      text: row.diagnosis_text,
    },
    advice: row.advice,
    followUpDate: row.follow_up_date,
    reason: row.reason,
    writtenBy: String(row.written_by),
    writtenByName: row.written_by_name,
    writtenAt: String(row.written_at),
  };
}

function toWireAttachment(visitId: number, row: NoteAttachmentRow) {
  return {
    id: String(row.id),
    contentType: row.content_type,
    byteSize: row.byte_size,
    uploadedAt: String(row.uploaded_at),
    url: `${STAFF_PREFIX}/visit/${visitId}/notes/${row.note_id}/attachments/${row.id}`,
  };
}

export function toWireNote(row: CurrentNoteRow, attachments: readonly NoteAttachmentRow[]) {
  return {
    id: String(row.note_id),
    visitId: String(row.visit_id),
    patientId: String(row.patient_id),
    ...toWireVersion(row),
    createdBy: String(row.created_by),
    createdByName: row.created_by_name,
    createdAt: String(row.created_at),
    releasedAt: asText(row.released_at),
    releasedByName: row.released_by_name,
    attachments: attachments
      .filter((attachment) => attachment.note_id === row.note_id)
      .map((attachment) => toWireAttachment(row.visit_id, attachment)),
  };
}

/** What a patient sees: the current text, no staff ids, no versions, no reasons. */
export function toPortalNote(row: CurrentNoteRow & { visit_time: number }, attachments: readonly NoteAttachmentRow[]) {
  const diagnosis = [row.diagnosis_disease_name, row.diagnosis_text].filter((part) => part !== null).join('；');
  return {
    id: row.note_id,
    visit_id: row.visit_id,
    visit_time: row.visit_time,
    chief_complaint: row.chief_complaint,
    findings: row.findings,
    diagnosis: diagnosis === '' ? null : diagnosis,
    advice: row.advice,
    follow_up_date: row.follow_up_date,
    updated_at: row.written_at,
    released_at: row.released_at ?? row.written_at,
    attachments: attachments
      .filter((attachment) => attachment.note_id === row.note_id)
      .map((attachment) => ({
        id: attachment.id,
        content_type: attachment.content_type,
        byte_size: attachment.byte_size,
        url: `${PORTAL_PREFIX}/visit-note-attachments/${attachment.id}`,
      })),
  };
}
