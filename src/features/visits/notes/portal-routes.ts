import { portalOk } from '../../../http/envelopes.js';
import { auditActorOf, patientOf } from '../../../http/request-context.js';
import { portalSuccessSchema, withErrors } from '../../../http/schemas.js';
import type { TypedApp } from '../../../http/typed-app.js';
import { sendPrivateFile } from '../../../http/uploaded-files.js';
import { PortalAttachmentParams, PortalNoteList } from './schemas.js';
import type { VisitNoteService } from './service.js';
import { toPortalNote } from './wire.js';

/** The patient's released visit notes: the current version only, without staff ids, versions or reasons. */
export function registerPortalVisitNoteRoutes(app: TypedApp, service: VisitNoteService): void {
  const tags = ['portal: visit notes'];
  const security = [{ bearerAuth: [] }];

  app.get('/visit-notes', {
    schema: {
      tags,
      summary: 'My visit notes (病历) the clinic released to me, latest visit first',
      description:
        'Only notes the clinic released, each as its current (latest) version; notes still internal are not listed. ' +
        'Audited (portal.visit_notes_read).',
      security,
      response: withErrors('portal', { 200: portalSuccessSchema(PortalNoteList) }, [401]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      const principal = patientOf(request);
      const { rows, attachments } = await service.listReleased(principal.patientId, auditActorOf(request));
      return portalOk({ notes: rows.map((row) => toPortalNote(row, attachments)), total: rows.length });
    },
  });

  app.get('/visit-note-attachments/:id', {
    schema: {
      tags,
      summary: 'A file attached to one of my released notes',
      description:
        "Another patient's file, an unreleased note's or one that does not exist all answer 404 alike. " +
        'Cache-Control: private, no-store; PDFs as downloads.',
      security,
      params: PortalAttachmentParams,
      response: withErrors('portal', {}, [400, 401, 404]),
    },
    config: { access: 'patient' },
    handler: async (request, reply) => {
      const file = await service.readReleasedAttachment(
        patientOf(request).patientId,
        request.params.id,
        auditActorOf(request),
      );
      return sendPrivateFile(reply, file, 'attachment');
    },
  });
}
