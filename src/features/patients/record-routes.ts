import { wireOptionsOf } from '../../domain/patient-scope.js';
import type { PermissionKey } from '../../domain/permissions.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { PatientIdParams, StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import {
  DeletedPatientResponse,
  DuplicatesQuery,
  DuplicatesResponse,
  PatientDetailResponse,
  UpdatePatientBody,
} from './record-schemas.js';
import type { PatientRecordService } from './record-service.js';
import type { PatientUpdateService } from './update-service.js';
import { toWirePatient, toWirePatientDetail } from './wire.js';

const TAGS = ['staff: patients'];
const VIEW: PermissionKey[] = ['patients:view_own', 'patients:view_all', 'patients:view_booked'];
/** PATCH is open to anyone who may change some field; each field is then checked on its own. */
const ANY_FIELD_PERMISSION: PermissionKey[] = [
  'patients:edit',
  'patients:change_state',
  'patients:confirm_arrival',
  'patients:change_doctor',
  'patients:change_channel',
  'patients:change_disease',
  'patients:edit_spend',
];

export function registerPatientRecordRoutes(
  app: TypedApp,
  records: PatientRecordService,
  updates: PatientUpdateService,
): void {
  app.get('/patient/duplicates', {
    schema: {
      tags: TAGS,
      summary: 'Duplicate report before registering: records with the exact tel, wechat, qq or name',
      description:
        'At least one of tel / wechat / qq / name (44001 otherwise); a record matching any of them is listed with `matchedOn`. ' +
        'Only live records the caller may see; tel masked as in the list. At most 50 listed, `total` counts all. ' +
        'Without patients:view_full_phone, tel matches the whole number (a lookup audited as patient.phone_lookup and capped ' +
        'per account and clinic day: 429, 42903, with Retry-After, past PHONE_LOOKUP_DAILY_LIMIT) or the masked text as shown ' +
        '(139****8442). POST patient/ still refuses an exact tel with 409 unless allow_duplicate=true.',
      querystring: DuplicatesQuery,
      response: withErrors('staff', { 200: DuplicatesResponse }, [400, 401, 403, 429]),
    },
    config: { access: VIEW },
    handler: async (request) => {
      const staff = staffOf(request);
      const { tel, wechat, qq, name } = request.query;
      const { rows, total } = await records.duplicates(
        staff,
        { tel, wechat, qq, name },
        auditActorOf(request),
        nowSeconds(),
      );
      const wireOptions = wireOptionsOf(staff);
      return {
        duplicates: rows.map(({ row, matchedOn }) => ({ ...toWirePatient(row, wireOptions), matchedOn })),
        total,
      };
    },
  });

  app.get('/patient/:id', {
    schema: {
      tags: TAGS,
      summary: 'One patient: the full record with the names of its disease, department, doctor, channel and author',
      description:
        "A record outside the caller's scope, deleted, or absent answers 404 alike. Every successful read is audited (patient.read). " +
        'spend is yuan with 2 decimals; tel masked without patients:view_full_phone.',
      params: PatientIdParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: PatientDetailResponse }, [400, 401, 403, 404]),
    },
    config: { access: VIEW },
    handler: async (request) => {
      const staff = staffOf(request);
      const row = await records.detail(staff, request.params.id, auditActorOf(request));
      return { patient: toWirePatientDetail(row, wireOptionsOf(staff)) };
    },
  });

  app.patch('/patient/:id', {
    schema: {
      tags: TAGS,
      summary: "Edit any subset of a patient's fields, each gated by its own permission",
      description:
        'Only fields whose value actually changes are checked, written and audited. name, sex, age, tel, wechat, qq, area, remarks, ' +
        'advisory_way, advisory_content, add_time, order_time: patients:edit; state 0/2: patients:change_state; doctor_id: ' +
        'patients:change_doctor; media_from_id: patients:change_channel; disease_id: patients:change_disease; spend: patients:edit_spend. ' +
        'state 1 or reach_time is an arrival (patients:confirm_arrival) and records the first visit; a record that already has visits ' +
        'answers 409 for a new reach_time (return visits go through POST patient/:id/arrival). A field without its permission: 403 (48001) ' +
        'naming it (`field`, `fields`), nothing written. Validation as on create. A tel change on a record with a portal account ' +
        'changes the login phone too (409 when another account holds it). Without patients:view_full_phone a new tel is a ' +
        'whole-number lookup, counted and audited as in GET patient/ (429, 42903, past the daily cap).',
      params: PatientIdParams,
      body: UpdatePatientBody,
      response: withErrors('staff', { 200: PatientDetailResponse }, [400, 401, 403, 404, 409, 429]),
    },
    config: { access: ANY_FIELD_PERMISSION },
    handler: async (request) => {
      const staff = staffOf(request);
      const row = await updates.update(staff, request.params.id, request.body, auditActorOf(request), nowSeconds());
      return { patient: toWirePatientDetail(row, wireOptionsOf(staff)) };
    },
  });

  app.delete('/patient/:id', {
    schema: {
      tags: TAGS,
      summary: 'Move a patient into the recycle bin (soft delete)',
      description:
        'The record disappears from lists, detail, duplicates and statistics; patients:recycle_bin can restore or purge it. Audited.',
      params: PatientIdParams,
      querystring: StaffTokenOnly,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: DeletedPatientResponse }, [400, 401, 403, 404]),
    },
    config: { access: 'patients:delete' },
    handler: async (request) => {
      const deleted = await records.softDelete(
        staffOf(request),
        request.params.id,
        auditActorOf(request),
        nowSeconds(),
      );
      return { deletedPatient: { id: String(deleted.id), deletedAt: String(deleted.deletedAt) } };
    },
  });
}
