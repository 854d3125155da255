import multipart from '@fastify/multipart';
import { Type } from 'typebox';
import { auditActorOf, nowSeconds, staffOf } from '../../../http/request-context.js';
import { StaffTokenOnly, withErrors } from '../../../http/schemas.js';
import type { TypedApp } from '../../../http/typed-app.js';
import { readOneFile, sendPrivateFile } from '../../../http/uploaded-files.js';
import { NOTE_ATTACHMENT_MAX_BYTES } from './attachment-storage.js';
import {
  AmendNoteBody,
  AttachmentParams,
  AttachmentResponse,
  NoteListResponse,
  NoteParams,
  NoteResponse,
  ReleaseNoteBody,
  VersionListResponse,
  VisitNoteParams,
  WriteNoteBody,
} from './schemas.js';
import type { NoteInput, VisitNoteService } from './service.js';
import { toWireNote, toWireVersion } from './wire.js';

const TAGS = ['staff: visit notes (病历)'];
const SCOPE_NOTE =
  "The visit must belong to a live patient within the caller's scope (patients:view_all, or view_own for the patients " +
  'they hold): otherwise 404, exactly as for a visit that does not exist.';
const BINARY = Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'the file' });

function contentOf(body: NoteInput): NoteInput {
  const input: NoteInput = {};
  for (const key of [
    'chief_complaint',
    'findings',
    'diagnosis_disease_id',
    'diagnosis_text',
    'advice',
    'follow_up_date',
  ] as const) {
    const value = body[key];
    if (value !== undefined) (input as Record<string, unknown>)[key] = value === '' ? null : value;
  }
  return input;
}

export async function registerVisitNoteRoutes(app: TypedApp, service: VisitNoteService): Promise<void> {
  app.get('/visit/:id/notes', {
    schema: {
      tags: TAGS,
      summary: "A visit's notes (病历), each with its current version and attachments",
      description: `Needs visits:notes_view. ${SCOPE_NOTE} Audited (visit_note.read).`,
      params: VisitNoteParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: NoteListResponse }, [400, 401, 403, 404]),
    },
    config: { access: 'visits:notes_view' },
    handler: async (request) => {
      const { rows, attachments } = await service.list(staffOf(request), request.params.id, auditActorOf(request));
      return { notes: rows.map((row) => toWireNote(row, attachments)), total: rows.length };
    },
  });

  app.post('/visit/:id/notes', {
    schema: {
      tags: TAGS,
      summary: 'Write a note for the visit -> 201 {note} (version 1, signed with the caller and the time)',
      description:
        `Needs visits:notes_write. ${SCOPE_NOTE} At least one of chief_complaint, findings, diagnosis (a catalog disease ` +
        'and/or free text), advice, follow_up_date (400 otherwise). The note is internal until released. Written with ' +
        'its audit event (visit_note.create) in one transaction.',
      params: VisitNoteParams,
      body: WriteNoteBody,
      response: withErrors('staff', { 201: NoteResponse }, [400, 401, 403, 404]),
    },
    config: { access: 'visits:notes_write' },
    handler: async (request, reply) => {
      const result = await service.create(
        staffOf(request),
        request.params.id,
        contentOf(request.body),
        auditActorOf(request),
        nowSeconds(),
      );
      return reply.code(201).send({ note: toWireNote(result.row, result.attachments) });
    },
  });

  app.post('/visit/:id/notes/:noteId/amend', {
    schema: {
      tags: TAGS,
      summary: 'Amend a note -> 201 {note}: a new version, the previous ones kept',
      description:
        `Needs visits:notes_write. ${SCOPE_NOTE} The new version is the previous text with the fields given replaced ` +
        '(null or "" clears one); reason is required. expected_version, when given, must be the current version (409 ' +
        'otherwise: someone amended it meanwhile). A released note stays released: the patient then sees the new text. ' +
        'Audited (visit_note.amend, with the reason).',
      params: NoteParams,
      body: AmendNoteBody,
      response: withErrors('staff', { 201: NoteResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'visits:notes_write' },
    handler: async (request, reply) => {
      const { reason, expected_version: expectedVersion } = request.body;
      const result = await service.amend(
        staffOf(request),
        request.params.id,
        request.params.noteId,
        { input: contentOf(request.body), reason, expectedVersion },
        auditActorOf(request),
        nowSeconds(),
      );
      return reply.code(201).send({ note: toWireNote(result.row, result.attachments) });
    },
  });

  app.post('/visit/:id/notes/:noteId/release', {
    schema: {
      tags: TAGS,
      summary: "Release a note to the patient's portal -> {note}",
      description:
        `Needs visits:notes_write. ${SCOPE_NOTE} From then on the patient sees the note's current version and its ` +
        'attachments (GET /patient/visit-notes). Releasing a released note changes nothing. Audited (visit_note.release).',
      params: NoteParams,
      body: ReleaseNoteBody,
      response: withErrors('staff', { 200: NoteResponse }, [400, 401, 403, 404]),
    },
    config: { access: 'visits:notes_write' },
    handler: async (request) => {
      const result = await service.release(
        staffOf(request),
        request.params.id,
        request.params.noteId,
        auditActorOf(request),
        nowSeconds(),
      );
      return { note: toWireNote(result.row, result.attachments) };
    },
  });

  app.get('/visit/:id/notes/:noteId/versions', {
    schema: {
      tags: TAGS,
      summary: "A note's versions, newest (current) first, each signed and the amendments with their reason",
      description: `Needs visits:notes_view. ${SCOPE_NOTE} Audited (visit_note.read).`,
      params: NoteParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: VersionListResponse }, [400, 401, 403, 404]),
    },
    config: { access: 'visits:notes_view' },
    handler: async (request) => {
      const rows = await service.versions(
        staffOf(request),
        request.params.id,
        request.params.noteId,
        auditActorOf(request),
      );
      return { versions: rows.map(toWireVersion), total: rows.length };
    },
  });

  app.get('/visit/:id/notes/:noteId/attachments/:attachmentId', {
    schema: {
      tags: TAGS,
      summary: "One of a note's attachments (the file)",
      description:
        `Needs visits:notes_view. ${SCOPE_NOTE} Served with its type as recognised at upload, Cache-Control: private, ` +
        'no-store; PDFs as downloads. Audited (visit_note.attachment_read).',
      params: AttachmentParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: BINARY }, [400, 401, 403, 404]),
    },
    config: { access: 'visits:notes_view' },
    handler: async (request, reply) => {
      const { id, noteId, attachmentId } = request.params;
      const file = await service.readAttachment(staffOf(request), id, noteId, attachmentId, auditActorOf(request));
      return sendPrivateFile(reply, file, 'attachment');
    },
  });

  // The upload, in a scope of its own so that multipart parsing exists for this route only.
  await app.register(async (scope: TypedApp) => {
    await scope.register(multipart, {
      limits: { fileSize: NOTE_ATTACHMENT_MAX_BYTES, files: 1, fields: 5, fieldSize: 4096, parts: 6 },
    });
    scope.post('/visit/:id/notes/:noteId/attachments', {
      schema: {
        tags: TAGS,
        summary: 'Attach a file to a note (multipart/form-data, one `file`) -> 201 {attachment}',
        description:
          `Needs visits:notes_write. ${SCOPE_NOTE} JPEG, PNG, WebP or PDF, recognised from the file's first bytes (the ` +
          'name and declared type are ignored): anything else 400. At most 5 MB (413). The token goes as Bearer or in ' +
          'the query string. Stored under DATA_DIR/private/visit-notes/ with a random name, served only by the ' +
          'attachment route to staff who may see the patient, and to the patient once the note is released. Audited ' +
          '(visit_note.attachment_upload).',
        consumes: ['multipart/form-data'],
        params: NoteParams,
        querystring: StaffTokenOnly,
        response: withErrors('staff', { 201: AttachmentResponse }, [400, 401, 403, 404, 413, 415]),
      },
      config: { access: 'visits:notes_write' },
      handler: async (request, reply) => {
        const { id, noteId } = request.params;
        const staff = staffOf(request);
        const bytes = await readOneFile(request, NOTE_ATTACHMENT_MAX_BYTES);
        const row = await service.attach(staff, id, noteId, bytes, auditActorOf(request), nowSeconds());
        return reply.code(201).send({
          attachment: {
            id: String(row.id),
            contentType: row.content_type,
            byteSize: row.byte_size,
            uploadedAt: String(row.uploaded_at),
            url: `/back_end/api/v1/visit/${id}/notes/${noteId}/attachments/${row.id}`,
          },
        });
      },
    });
  });
}
