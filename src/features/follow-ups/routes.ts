import { canSeeFullPhone } from '../../domain/patient-scope.js';
import type { PermissionKey } from '../../domain/permissions.js';
import { maskPhone } from '../../domain/phone.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { PatientIdParams, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { FollowUpRow } from './repository.js';
import {
  CreateFollowUpBody,
  DueFollowUpListResponse,
  FollowUpListResponse,
  FollowUpResponse,
  PagingQuery,
} from './schemas.js';
import type { FollowUpService } from './service.js';

const TAGS = ['staff: follow-ups (回访)'];
const VIEW: PermissionKey[] = ['patients:view_own', 'patients:view_all', 'patients:view_booked'];

function toWireFollowUp(row: FollowUpRow) {
  return {
    id: String(row.id),
    patientId: String(row.patient_id),
    staffId: String(row.staff_id),
    staffName: row.staff_name,
    contactTime: String(row.contact_time),
    way: row.way,
    content: row.content,
    nextFollowUpDate: row.next_follow_up_date,
    createdAt: String(row.created_at),
  };
}

export function registerFollowUpRoutes(app: TypedApp, service: FollowUpService): void {
  app.post('/patient/:id/follow-ups', {
    schema: {
      tags: TAGS,
      summary: "Record a follow-up contact on a patient's timeline -> 201 {followUp}",
      description:
        "Needs patients:edit and the patient in the caller's scope (404 otherwise). contact_time may not lie in the future; " +
        "The latest contact (by contact_time) is the patient's plan: its next_follow_up_date (YYYY-MM-DD, clinic calendar) " +
        "puts the patient on their consultant's due list from that day; none (null) takes them off it. Audited " +
        '(patient.follow_up, without the content).',
      params: PatientIdParams,
      body: CreateFollowUpBody,
      response: withErrors('staff', { 201: FollowUpResponse }, [400, 401, 403, 404]),
    },
    config: { access: 'patients:edit' },
    handler: async (request, reply) => {
      const row = await service.create(
        staffOf(request),
        request.params.id,
        request.body,
        auditActorOf(request),
        nowSeconds(),
      );
      return reply.code(201).send({ followUp: toWireFollowUp(row) });
    },
  });

  app.get('/patient/:id/follow-ups', {
    schema: {
      tags: TAGS,
      summary: "A patient's follow-up timeline, newest contact first, with staff names",
      params: PatientIdParams,
      querystring: PagingQuery,
      response: withErrors('staff', { 200: FollowUpListResponse }, [400, 401, 403, 404]),
    },
    config: { access: VIEW },
    handler: async (request) => {
      const { page, page_size: pageSize } = request.query;
      const { rows, total } = await service.timeline(staffOf(request), request.params.id, { page, pageSize });
      return { followUps: rows.map(toWireFollowUp), total, page, pageSize };
    },
  });

  app.get('/follow-ups/due', {
    schema: {
      tags: TAGS,
      summary: "The calling user's follow-ups due: their patients whose plan is today or earlier, with its contact",
      description:
        "The live patients in scope the caller holds (author: registered, handed over or claimed), each with the patient's " +
        'latest follow-up, by whoever made it: due when its next_follow_up_date is on or before today in the clinic time ' +
        'zone (CLINIC_TIMEZONE). A newer contact replaces the older plan, and a handed-over patient brings theirs along. ' +
        'Oldest due first. The same patients as GET worklists/follow-ups?consultant_id=<caller>&due=due and the ' +
        "dashboard's followUpsDue; the worklist adds filters, upcoming days and counts.",
      querystring: PagingQuery,
      response: withErrors('staff', { 200: DueFollowUpListResponse }, [400, 401, 403]),
    },
    config: { access: VIEW },
    handler: async (request) => {
      const staff = staffOf(request);
      const { page, page_size: pageSize } = request.query;
      const { today, rows, total } = await service.due(staff, { page, pageSize });
      const showFullPhone = canSeeFullPhone(staff);
      return {
        today,
        followUps: rows.map((row) => ({
          ...toWireFollowUp(row),
          patientName: row.patient_name,
          patientTel: row.patient_tel === null ? null : showFullPhone ? row.patient_tel : maskPhone(row.patient_tel),
        })),
        total,
        page,
        pageSize,
      };
    },
  });
}
