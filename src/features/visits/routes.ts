import { fenToYuan, yuanToFen } from '../../domain/money.js';
import type { PermissionKey } from '../../domain/permissions.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { PatientIdParams, StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { ArrivalService } from './arrival-service.js';
import type { VisitHistoryRow } from './repository.js';
import { ArrivalBody, VisitListResponse, VisitResponse } from './schemas.js';

const TAGS = ['staff: visits (到诊)'];
const VIEW: PermissionKey[] = ['patients:view_own', 'patients:view_all', 'patients:view_booked'];
const asText = (value: number | null) => (value === null ? null : String(value));

function toWireVisit(row: VisitHistoryRow) {
  return {
    id: String(row.id),
    patientId: String(row.patient_id),
    doctorId: asText(row.doctor_id),
    doctorName: row.doctor_name,
    visitTime: String(row.visit_time),
    visitType: row.is_first_visit === 1 ? ('first' as const) : ('return' as const),
    spend: fenToYuan(row.spend_fen),
    appointmentId: asText(row.appointment_id),
    notes: row.notes,
    recordedBy: asText(row.recorded_by),
    recordedByName: row.recorded_by_name,
    createdAt: String(row.created_at),
  };
}

export function registerVisitRoutes(app: TypedApp, service: ArrivalService): void {
  app.post('/patient/:id/arrival', {
    schema: {
      tags: TAGS,
      summary: 'Confirm an arrival: the first visit, or a return visit when the patient came before -> 201 {visit}',
      description:
        'Needs patients:confirm_arrival and the patient in scope (404 otherwise). Sets state 已到, reach_time on the first ' +
        'arrival, the visit counter and the spend total (spend is added). reach_time before add_time: 400. Audited (patient.arrival).',
      params: PatientIdParams,
      body: ArrivalBody,
      response: withErrors('staff', { 201: VisitResponse }, [400, 401, 403, 404]),
    },
    config: { access: 'patients:confirm_arrival' },
    handler: async (request, reply) => {
      const body = request.body;
      const visit = await service.confirm(
        staffOf(request),
        request.params.id,
        {
          visitTime: body.reach_time,
          doctorId: body.doctor_id ?? null,
          spendFen: body.spend === undefined ? 0 : yuanToFen(body.spend),
        },
        auditActorOf(request),
        nowSeconds(),
      );
      return reply.code(201).send({ visit: toWireVisit(visit) });
    },
  });

  app.get('/patient/:id/visits', {
    schema: {
      tags: TAGS,
      summary: "A patient's visit history, newest first: doctor, time, spend, first or return",
      params: PatientIdParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: VisitListResponse }, [400, 401, 403, 404]),
    },
    config: { access: VIEW },
    handler: async (request) => {
      const rows = await service.history(staffOf(request), request.params.id);
      return { visits: rows.map(toWireVisit), total: rows.length };
    },
  });
}
