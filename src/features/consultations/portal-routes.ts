import multipart from '@fastify/multipart';
import { portalOk } from '../../http/envelopes.js';
import type { EventStreams } from '../../http/event-stream.js';
import { auditActorOf, nowSeconds, patientOf } from '../../http/request-context.js';
import { portalSuccessSchema, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { readOneFile, sendPrivateFile } from '../../http/uploaded-files.js';
import { type ConsultationLive, MAX_STREAMS_PER_PARTY } from './live/live.js';
import { serveLiveStream } from './live/stream.js';
import {
  ConsultationParams,
  ImageParams,
  PortalConsultableDoctors,
  PortalConsultationDetail,
  PortalConsultationList,
  PortalListQuery,
  PortalOpenBody,
  PortalSent,
  PortalTextBody,
  PortalThread,
  PortalThreadQuery,
} from './schemas.js';
import { CONSULTATION_IMAGE_MAX_BYTES, type ConsultationService, type Party } from './service.js';
import { toPortalConsultation, toPortalMessage } from './wire.js';

export interface ConsultationRouteDependencies {
  service: ConsultationService;
  live: ConsultationLive;
  streams: EventStreams;
}

const tags = ['portal: consultations (问诊)'];
const security = [{ bearerAuth: [] }];
const OWN =
  "Only the caller's own consultations: another patient's id answers 404 exactly like one that does not exist.";

const partyOf = (request: Parameters<typeof patientOf>[0]): Party => ({
  side: 'patient',
  patientId: patientOf(request).patientId,
});

type Written = Awaited<ReturnType<ConsultationService['sendText']>>;
const sent = (written: Written) =>
  portalOk({ consultation: toPortalConsultation(written.consultation), message: toPortalMessage(written.message) });

/** The patient's side of 问诊 (docs/consultations.md). */
export async function registerPortalConsultationRoutes(
  app: TypedApp,
  { service, live, streams }: ConsultationRouteDependencies,
): Promise<void> {
  app.get('/consultation-doctors', {
    schema: {
      tags,
      summary: 'Doctors I may ask, with my open consultation with each',
      description:
        'Active doctors who answer online (linked to an active staff account). CONSULTATION_POLICY booked (default): ' +
        'only those I have a live appointment or a visit with; any: all of them.',
      security,
      response: withErrors('portal', { 200: portalSuccessSchema(PortalConsultableDoctors) }, [401]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      const rows = await service.consultableDoctors(patientOf(request).patientId);
      return portalOk({ doctors: rows, policy: service.settings.policy });
    },
  });

  app.get('/consultations', {
    schema: {
      tags,
      summary: 'My consultations, newest activity first, with unread counts',
      security,
      querystring: PortalListQuery,
      response: withErrors('portal', { 200: portalSuccessSchema(PortalConsultationList) }, [400, 401]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      const { rows, unread } = await service.list(partyOf(request), request.query.status ?? 'all');
      return portalOk({ consultations: rows.map(toPortalConsultation), total: rows.length, unread });
    },
  });

  app.post('/consultations', {
    schema: {
      tags,
      summary: 'Ask a doctor: opens a consultation with its first message',
      description:
        'The doctor must answer online, and under CONSULTATION_POLICY booked be one I booked or visited (403 otherwise); ' +
        'an unknown doctor 404. One open consultation per doctor: another one answers 409 with `consultation_id`, ' +
        'also when two requests race. Audited (consultation.open).',
      security,
      body: PortalOpenBody,
      response: withErrors('portal', { 200: portalSuccessSchema(PortalSent) }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      const patientId = patientOf(request).patientId;
      const { doctor_id, text } = request.body;
      return sent(await service.open(patientId, doctor_id, text, auditActorOf(request), nowSeconds()));
    },
  });

  app.get('/consultations/:id/messages', {
    schema: {
      tags,
      summary: 'A page of a consultation, oldest first: the newest 50, or after / before a message id',
      description: `${OWN} Polling asks with after = the last id it has; reading does not mark read (POST …/read does).`,
      security,
      params: ConsultationParams,
      querystring: PortalThreadQuery,
      response: withErrors('portal', { 200: portalSuccessSchema(PortalThread) }, [400, 401, 404]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      const page = await service.thread(partyOf(request), request.params.id, request.query, auditActorOf(request));
      return portalOk({
        consultation: toPortalConsultation(page.consultation),
        messages: page.rows.map(toPortalMessage),
        has_more: page.olderExist,
      });
    },
  });

  app.post('/consultations/:id/messages', {
    schema: {
      tags,
      summary: 'Send a text message',
      description: `${OWN} A closed consultation answers 409.`,
      security,
      params: ConsultationParams,
      body: PortalTextBody,
      response: withErrors('portal', { 200: portalSuccessSchema(PortalSent) }, [400, 401, 404, 409]),
    },
    config: { access: 'patient' },
    handler: async (request) =>
      sent(await service.sendText(partyOf(request), request.params.id, request.body.text, nowSeconds())),
  });

  app.post('/consultations/:id/read', {
    schema: {
      tags,
      summary: "Mark the doctor's messages read (my unread count drops to 0)",
      description: `${OWN} Also stops the pending message that would tell me of an unread answer.`,
      security,
      params: ConsultationParams,
      response: withErrors('portal', { 200: portalSuccessSchema(PortalConsultationDetail) }, [400, 401, 404]),
    },
    config: { access: 'patient' },
    handler: async (request) =>
      portalOk({ consultation: toPortalConsultation(await service.read(partyOf(request), request.params.id)) }),
  });

  app.get('/consultation-images/:id', {
    schema: {
      tags,
      summary: 'An image of one of my consultations',
      description: "Another patient's, a missing one or a message that is no image: 404 alike. private, no-store.",
      security,
      params: ImageParams,
      response: withErrors('portal', {}, [400, 401, 404]),
    },
    config: { access: 'patient' },
    handler: async (request, reply) =>
      sendPrivateFile(reply, await service.image(partyOf(request), request.params.id, auditActorOf(request)), 'image'),
  });

  app.get('/consultation-events', {
    schema: {
      tags,
      summary: 'Live messages of my consultations (text/event-stream)',
      description:
        'Server-Sent Events with the Bearer header (read with fetch; EventSource cannot send it). Frames: `ready` once, ' +
        'then `message` with {consultation, message} for each message stored in one of my consultations, from ' +
        'either side, on any instance. Nothing else reaches this stream. A comment line every 20 s keeps it open. ' +
        `At most ${MAX_STREAMS_PER_PARTY} streams at once per patient on one instance (429). After a reconnect, poll ` +
        'with after= to catch up: the stream carries what is stored while it is open.',
      security,
      produces: ['text/event-stream'],
      response: withErrors('portal', {}, [401, 429]),
    },
    config: { access: 'patient' },
    handler: (request, reply) =>
      serveLiveStream(
        request,
        reply,
        { live, streams },
        { side: 'patient', id: patientOf(request).patientId },
        ({ consultation, message }) => ({
          consultation: toPortalConsultation(consultation),
          message: toPortalMessage(message),
        }),
      ),
  });

  // The image upload, in a scope of its own so that multipart parsing exists for this route only.
  await app.register(async (scope: TypedApp) => {
    await scope.register(multipart, {
      limits: { fileSize: CONSULTATION_IMAGE_MAX_BYTES, files: 1, fields: 2, fieldSize: 1024, parts: 3 },
    });
    scope.post('/consultations/:id/images', {
      schema: {
        tags,
        summary: 'Send an image (multipart/form-data, one `file`)',
        description:
          `${OWN} JPEG, PNG or WebP recognised from the first bytes (anything else 400), at most 5 MB (413). ` +
          'A closed consultation answers 409.',
        consumes: ['multipart/form-data'],
        security,
        params: ConsultationParams,
        response: withErrors('portal', { 200: portalSuccessSchema(PortalSent) }, [400, 401, 404, 409, 413, 415]),
      },
      config: { access: 'patient' },
      handler: async (request) => {
        const party = partyOf(request);
        // Whose consultation it is comes first: a stranger's id costs no upload and learns nothing from 415 or 413.
        await service.ensureOwn(party, request.params.id);
        const bytes = await readOneFile(request, CONSULTATION_IMAGE_MAX_BYTES);
        return sent(await service.sendImage(party, request.params.id, bytes, nowSeconds()));
      },
    });
  });
}
