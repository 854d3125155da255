import { patientFiltersOf } from '../../domain/patient-filters.js';
import { wireOptionsOf } from '../../domain/patient-scope.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { PatientIdParams, StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { HandoverBody, HandoverResponse, PoolListQuery, PoolListResponse } from './handover-schemas.js';
import type { HandoverService } from './handover-service.js';
import { PatientDetailResponse } from './record-schemas.js';
import type { SharedPoolService } from './shared-pool-service.js';
import { toWirePatient, toWirePatientDetail } from './wire.js';

const TAGS = ['staff: patients (handover, shared pool)'];
const asText = (value: number | null) => (value === null ? null : String(value));

/** 移交 and 公海: moving patients between consultants, and the pool of patients without one. */
export function registerHandoverRoutes(app: TypedApp, handovers: HandoverService, pool: SharedPoolService): void {
  app.post('/patient/handover', {
    schema: {
      tags: TAGS,
      summary: 'Hand patients over to another consultant: some by id, a filtered set, or all of one consultant',
      description:
        'Needs patients:handover. Exactly one selection: patient_ids, or filters with the names and meaning of GET ' +
        "patient/'s (all of a departing consultant's patients: author_id=<their id>; at least one filter, so the whole " +
        "pool is never moved by accident). Only patients in the caller's scope move, in one transaction, as one UPDATE " +
        '(20,000 patients at once); their follow-up plans go with them, and the statistics by consultant follow. ' +
        'to_staff_id must be an enabled account (400 otherwise). expected_count guards a confirmation: another count ' +
        'now answers 409 (40901) with `matched`, and nothing moves. Audited as patient.handover: the matched and moved ' +
        'counts, who held them, the filters (a keyword named, not copied) and the moved ids (at most 200). A patient ' +
        'of the shared pool moved this way leaves it. JSON body (patient_ids is an array).',
      body: HandoverBody,
      response: withErrors('staff', { 200: HandoverResponse }, [400, 401, 403, 409, 429]),
    },
    config: { access: 'patients:handover' },
    handler: async (request) => {
      const body = request.body;
      const handover = await handovers.handover(
        staffOf(request),
        {
          toStaffId: body.to_staff_id,
          patientIds: body.patient_ids,
          filters: patientFiltersOf(body),
          expectedCount: body.expected_count,
        },
        auditActorOf(request),
        nowSeconds(),
      );
      return { handover };
    },
  });

  app.get('/patient/pool', {
    schema: {
      tags: TAGS,
      summary: 'The shared pool (公海): live patients without a consultant, newest registrations first',
      description:
        'Needs patients:pool. The pool holds portal self-registrations and, when POOL_RETURN_DAYS is set, the ' +
        "consultants' patients who had no follow-up for that many days (not arrived, no booking ahead), returned " +
        'by an hourly check (audited as patient.pool_return). tel is masked without patients:view_full_phone. ' +
        'Claim one with POST patient/{id}/claim.',
      querystring: PoolListQuery,
      response: withErrors('staff', { 200: PoolListResponse }, [400, 401, 403]),
    },
    config: { access: 'patients:pool' },
    handler: async (request) => {
      const staff = staffOf(request);
      const q = request.query;
      const { rows, total } = await pool.list(
        { mediaFromId: q.media_from_id, state: q.state },
        { page: q.page, pageSize: q.page_size },
      );
      const wireOptions = wireOptionsOf(staff);
      return {
        patients: rows.map((row) => ({
          ...toWirePatient(row, wireOptions),
          pooledAt: asText(row.pooled_at === null ? null : Number(row.pooled_at)),
          lastContactAt: asText(row.last_contact_at === null ? null : Number(row.last_contact_at)),
        })),
        total,
        page: q.page,
        pageSize: q.page_size,
        returnDays: pool.returnDays,
      };
    },
  });

  app.post('/patient/:id/claim', {
    schema: {
      tags: TAGS,
      summary: 'Claim a patient from the shared pool: the caller becomes their consultant',
      description:
        'Needs patients:pool. One guarded UPDATE: of concurrent claims of one patient exactly one succeeds, the ' +
        'others answer 409 (40901); a patient not in the pool answers 409 too, a missing or deleted one 404. Audited ' +
        'as patient.pool_claim. Answers the record as the claimer now sees it.',
      params: PatientIdParams,
      querystring: StaffTokenOnly,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: PatientDetailResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'patients:pool' },
    handler: async (request) => {
      const staff = staffOf(request);
      const row = await pool.claim(staff, request.params.id, auditActorOf(request), nowSeconds());
      return { patient: toWirePatientDetail(row, wireOptionsOf(staff)) };
    },
  });
}
