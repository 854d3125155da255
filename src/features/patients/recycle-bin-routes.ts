import { wireOptionsOf } from '../../domain/patient-scope.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { PatientIdParams, StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { PatientDetailResponse, PurgedPatientResponse, RecycleBinQuery, RecycleBinResponse } from './record-schemas.js';
import type { PatientRecordService } from './record-service.js';
import { toWireDeletedPatient, toWirePatientDetail } from './wire.js';

const TAGS = ['staff: patients (recycle bin)'];

export function registerRecycleBinRoutes(app: TypedApp, records: PatientRecordService): void {
  app.get('/patient/recycle-bin', {
    schema: {
      tags: TAGS,
      summary: 'Deleted patients, newest deletion first, paged',
      description: "Within the caller's data scope; tel masked without patients:view_full_phone.",
      querystring: RecycleBinQuery,
      response: withErrors('staff', { 200: RecycleBinResponse }, [400, 401, 403]),
    },
    config: { access: 'patients:recycle_bin' },
    handler: async (request) => {
      const staff = staffOf(request);
      const { page, page_size: pageSize } = request.query;
      const { rows, total } = await records.recycleBin(staff, { page, pageSize });
      const wireOptions = wireOptionsOf(staff);
      return { patients: rows.map((row) => toWireDeletedPatient(row, wireOptions)), total, page, pageSize };
    },
  });

  app.post('/patient/:id/restore', {
    schema: {
      tags: TAGS,
      summary: 'Take a patient out of the recycle bin',
      description: '404 when the record is not in the recycle bin (or not in scope). Audited (patient.restore).',
      params: PatientIdParams,
      querystring: StaffTokenOnly,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: PatientDetailResponse }, [400, 401, 403, 404]),
    },
    config: { access: 'patients:recycle_bin' },
    handler: async (request) => {
      const staff = staffOf(request);
      const row = await records.restore(staff, request.params.id, auditActorOf(request), nowSeconds());
      return { patient: toWirePatientDetail(row, wireOptionsOf(staff)) };
    },
  });

  app.delete('/patient/:id/purge', {
    schema: {
      tags: TAGS,
      summary:
        "Delete a patient for good, with its visits, follow-ups, appointments, portal account and that account's sessions",
      description:
        'Only a record already in the recycle bin (404 otherwise): deleting is always two steps. Places the patient still held ' +
        'in future sessions are given back. The audit log keeps its rows. ' +
        'Rows of other features that still point at the patient stop the purge whole (409). Audited (patient.purge).',
      params: PatientIdParams,
      querystring: StaffTokenOnly,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: PurgedPatientResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'patients:recycle_bin' },
    handler: async (request) => {
      const purged = await records.purge(staffOf(request), request.params.id, auditActorOf(request));
      return { purgedPatient: { ...purged, id: String(purged.id) } };
    },
  });
}
