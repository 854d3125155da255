import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { ClinicCalendar } from '../../domain/clinic-time/clinic-calendar.js';
import { AppError } from '../../http/errors.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { readOneFile, sendPrivateFile } from '../../http/uploaded-files.js';
import { MAX_STREAMS_PER_PARTY } from './live/live.js';
import { serveLiveStream } from './live/stream.js';
import type { ConsultationRouteDependencies } from './portal-routes.js';
import {
  ConsultationParams,
  ImageParams,
  StaffActionBody,
  StaffConsultationDetail,
  StaffConsultationList,
  StaffListQuery,
  StaffSent,
  StaffTextBody,
  StaffThread,
  StaffThreadQuery,
} from './schemas.js';
import { CONSULTATION_IMAGE_MAX_BYTES, type ConsultationService, type Party } from './service.js';
import { toStaffConsultation, toStaffMessage } from './wire.js';

const TAGS = ['staff: consultations (问诊)'];
const DOCTOR_ONLY =
  'Needs consultations:reply and an account linked to a catalog doctor (an account without one answers 409): only that ' +
  "doctor's consultations, another's answering 404 exactly like a missing one. Nobody else, administrators " +
  'included, reads a consultation: it is between the patient and the doctor.';

/** The doctor acting: the staff account's link, or a clear refusal (as on 医生工作台). */
function doctorOf(request: FastifyRequest): Extract<Party, { side: 'doctor' }> {
  const staff = staffOf(request);
  if (staff.doctorId === null) throw new AppError('conflict', '账号未关联医生，请联系管理员在员工账号中关联');
  return { side: 'doctor', doctorId: staff.doctorId, staffId: staff.id };
}

/** The doctor's side of 问诊 (docs/consultations.md). */
export async function registerStaffConsultationRoutes(
  app: TypedApp,
  { service, live, streams, calendar }: ConsultationRouteDependencies & { calendar: ClinicCalendar },
): Promise<void> {
  const today = () => calendar.dateAt(nowSeconds());
  type Written = Awaited<ReturnType<ConsultationService['sendText']>>;
  const sent = (written: Written) => ({
    consultation: toStaffConsultation(written.consultation, today()),
    message: toStaffMessage(written.message),
  });

  app.get('/consultation/list', {
    schema: {
      tags: TAGS,
      summary: "The linked doctor's consultations, newest activity first, with unread counts",
      description: `${DOCTOR_ONLY} status: open, closed or all (default open). At most 200.`,
      querystring: StaffListQuery,
      response: withErrors('staff', { 200: StaffConsultationList }, [400, 401, 403, 409]),
    },
    config: { access: 'consultations:reply' },
    handler: async (request) => {
      const { rows, unread } = await service.list(doctorOf(request), request.query.status ?? 'open');
      const date = today();
      return { consultations: rows.map((row) => toStaffConsultation(row, date)), total: rows.length, unread };
    },
  });

  app.get('/consultation/:id/messages', {
    schema: {
      tags: TAGS,
      summary: 'A page of a consultation, oldest first: the newest 50, or after / before a message id',
      description: `${DOCTOR_ONLY} Opening a thread (no after=) is audited (consultation.read); polling is not.`,
      params: ConsultationParams,
      querystring: StaffThreadQuery,
      response: withErrors('staff', { 200: StaffThread }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'consultations:reply' },
    handler: async (request) => {
      const { token: _token, ...page } = request.query;
      const result = await service.thread(doctorOf(request), request.params.id, page, auditActorOf(request));
      return {
        consultation: toStaffConsultation(result.consultation, today()),
        messages: result.rows.map(toStaffMessage),
        hasMore: result.olderExist,
      };
    },
  });

  app.post('/consultation/:id/messages', {
    schema: {
      tags: TAGS,
      summary: 'Answer with a text message',
      description: `${DOCTOR_ONLY} A closed consultation answers 409.`,
      params: ConsultationParams,
      body: StaffTextBody,
      response: withErrors('staff', { 200: StaffSent }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'consultations:reply' },
    handler: async (request) =>
      sent(await service.sendText(doctorOf(request), request.params.id, request.body.text, nowSeconds())),
  });

  app.post('/consultation/:id/read', {
    schema: {
      tags: TAGS,
      summary: "Mark the patient's messages read",
      description: DOCTOR_ONLY,
      params: ConsultationParams,
      body: StaffActionBody,
      response: withErrors('staff', { 200: StaffConsultationDetail }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'consultations:reply' },
    handler: async (request) => ({
      consultation: toStaffConsultation(await service.read(doctorOf(request), request.params.id), today()),
    }),
  });

  app.post('/consultation/:id/close', {
    schema: {
      tags: TAGS,
      summary: 'End the consultation: a system message says so; neither side writes to it again',
      description: `${DOCTOR_ONLY} Closed already: 409. The patient can still read it. Audited (consultation.close).`,
      params: ConsultationParams,
      body: StaffActionBody,
      response: withErrors('staff', { 200: StaffSent }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'consultations:reply' },
    handler: async (request) =>
      sent(await service.close(doctorOf(request), request.params.id, auditActorOf(request), nowSeconds())),
  });

  app.get('/consultation/image/:id', {
    schema: {
      tags: TAGS,
      summary: "An image of one of the doctor's consultations",
      description: `${DOCTOR_ONLY} private, no-store. Audited (consultation.image_read).`,
      params: ImageParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', {}, [400, 401, 403, 404, 409]),
    },
    config: { access: 'consultations:reply' },
    handler: async (request, reply) =>
      sendPrivateFile(reply, await service.image(doctorOf(request), request.params.id, auditActorOf(request)), 'image'),
  });

  app.get('/consultation/events', {
    schema: {
      tags: TAGS,
      summary: "Live messages of the doctor's consultations (text/event-stream)",
      description:
        `${DOCTOR_ONLY} Server-Sent Events (Bearer header; read with fetch). Frames: \`ready\` once, then \`message\` ` +
        "with {consultation, message} for each message stored in one of the doctor's consultations, on any instance. " +
        `At most ${MAX_STREAMS_PER_PARTY} streams at once per doctor on one instance (429).`,
      querystring: StaffTokenOnly,
      produces: ['text/event-stream'],
      response: withErrors('staff', {}, [401, 403, 409, 429]),
    },
    config: { access: 'consultations:reply' },
    handler: (request, reply) =>
      serveLiveStream(
        request,
        reply,
        { live, streams },
        { side: 'doctor', id: doctorOf(request).doctorId },
        ({ consultation, message }) => ({
          consultation: toStaffConsultation(consultation, today()),
          message: toStaffMessage(message),
        }),
      ),
  });

  await app.register(async (scope: TypedApp) => {
    await scope.register(multipart, {
      limits: { fileSize: CONSULTATION_IMAGE_MAX_BYTES, files: 1, fields: 2, fieldSize: 4096, parts: 3 },
    });
    scope.post('/consultation/:id/images', {
      schema: {
        tags: TAGS,
        summary: 'Answer with an image (multipart/form-data, one `file`)',
        description:
          `${DOCTOR_ONLY} JPEG, PNG or WebP recognised from the first bytes (400 otherwise), at most 5 MB (413). ` +
          'The token goes as Bearer or in the query string. A closed consultation answers 409.',
        consumes: ['multipart/form-data'],
        params: ConsultationParams,
        querystring: StaffTokenOnly,
        response: withErrors('staff', { 200: StaffSent }, [400, 401, 403, 404, 409, 413, 415]),
      },
      config: { access: 'consultations:reply' },
      handler: async (request) => {
        const party = doctorOf(request);
        // Whose consultation it is comes first: a stranger's id costs no upload and learns nothing from 415 or 413.
        await service.ensureOwn(party, request.params.id);
        const bytes = await readOneFile(request, CONSULTATION_IMAGE_MAX_BYTES);
        return sent(await service.sendImage(party, request.params.id, bytes, nowSeconds()));
      },
    });
  });
}
