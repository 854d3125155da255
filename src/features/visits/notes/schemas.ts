import { Type } from 'typebox';
import { Clearable, RecordId as Id, Nullable, StaffTokenField } from '../../../http/schemas.js';

const Text = (maxLength: number, description: string) =>
  Type.Optional(Clearable(Type.String({ maxLength, description })));

const ContentFields = {
  chief_complaint: Text(2000, '主诉'),
  findings: Text(4000, '检查所见 (findings)'),
  diagnosis_disease_id: Type.Optional(
    Nullable(Id('诊断: a disease of the catalog (active when chosen); its name is kept with the version')),
  ),
  diagnosis_text: Text(1000, '诊断 (free text, beside or instead of the catalog disease)'),
  advice: Text(4000, '医嘱 (advice / orders)'),
  follow_up_date: Type.Optional(
    Nullable(
      Type.String({
        format: 'date',
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: '复诊日期 YYYY-MM-DD (clinic calendar); null clears it',
      }),
    ),
  ),
};

export const VisitNoteParams = Type.Object({ id: Id('visit id') });
export const NoteParams = Type.Object({ id: Id('visit id'), noteId: Id('note id') });
export const AttachmentParams = Type.Object({
  id: Id('visit id'),
  noteId: Id('note id'),
  attachmentId: Id('attachment id'),
});
export const PortalAttachmentParams = Type.Object({ id: Id('attachment id') });

export const WriteNoteBody = Type.Object({ token: StaffTokenField, ...ContentFields }, { additionalProperties: false });

export const AmendNoteBody = Type.Object(
  {
    token: StaffTokenField,
    ...ContentFields,
    reason: Type.String({ minLength: 1, maxLength: 500, description: '修改原因 (required, not blank)' }),
    expected_version: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'the version amended; another one current: 409' }),
    ),
  },
  { additionalProperties: false },
);

export const ReleaseNoteBody = Type.Object({ token: StaffTokenField }, { additionalProperties: false });

const Diagnosis = Type.Object({
  diseaseId: Nullable(Type.String()),
  diseaseName: Nullable(Type.String({ description: 'the catalog name as it read when signed' })),
  text: Nullable(Type.String()),
});

const VersionFields = {
  version: Type.Integer(),
  chiefComplaint: Nullable(Type.String()),
  findings: Nullable(Type.String()),
  diagnosis: Diagnosis,
  advice: Nullable(Type.String()),
  followUpDate: Nullable(Type.String()),
  reason: Nullable(Type.String({ description: 'why this version amends the previous one; null for version 1' })),
  writtenBy: Type.String({ description: 'the staff account that signed this version' }),
  writtenByName: Nullable(Type.String()),
  writtenAt: Type.String({ description: 'Unix seconds of the signature' }),
};

export const WireAttachment = Type.Object({
  id: Type.String(),
  contentType: Type.String(),
  byteSize: Type.Integer(),
  uploadedAt: Type.String(),
  url: Type.String({ description: 'GET it with the staff token (Authorization: Bearer, or ?token=)' }),
});

export const WireNote = Type.Object({
  id: Type.String(),
  visitId: Type.String(),
  patientId: Type.String(),
  ...VersionFields,
  createdBy: Type.String(),
  createdByName: Nullable(Type.String()),
  createdAt: Type.String(),
  releasedAt: Nullable(Type.String({ description: 'when released to the patient; null = internal' })),
  releasedByName: Nullable(Type.String()),
  attachments: Type.Array(WireAttachment),
});

export const NoteResponse = Type.Object({ note: WireNote });
export const NoteListResponse = Type.Object({ notes: Type.Array(WireNote), total: Type.Integer() });
export const VersionListResponse = Type.Object({
  versions: Type.Array(Type.Object(VersionFields), { description: 'newest first; the first is the current text' }),
  total: Type.Integer(),
});
export const AttachmentResponse = Type.Object({ attachment: WireAttachment });

export const PortalNote = Type.Object({
  id: Type.Integer(),
  visit_id: Type.Integer(),
  visit_time: Type.Integer({ description: 'Unix seconds of the visit' }),
  chief_complaint: Nullable(Type.String()),
  findings: Nullable(Type.String()),
  diagnosis: Nullable(Type.String({ description: 'the catalog disease and/or the free text, as signed' })),
  advice: Nullable(Type.String()),
  follow_up_date: Nullable(Type.String()),
  updated_at: Type.Integer({ description: 'Unix seconds of the current version' }),
  released_at: Type.Integer(),
  attachments: Type.Array(
    Type.Object({ id: Type.Integer(), content_type: Type.String(), byte_size: Type.Integer(), url: Type.String() }),
  ),
});

export const PortalNoteList = Type.Object({ notes: Type.Array(PortalNote), total: Type.Integer() });
