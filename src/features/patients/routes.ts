import { Type } from 'typebox';
import { patientFiltersOf } from '../../domain/patient-filters.js';
import { wireOptionsOf } from '../../domain/patient-scope.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { CreatePatientBody, PatientListQuery, PatientListResponse, WirePatientSchema } from './schemas.js';
import type { PatientService } from './service.js';
import { toWirePatient } from './wire.js';

export function registerPatientRoutes(app: TypedApp, service: PatientService): void {
  app.get('/patient', {
    schema: {
      tags: ['staff: patients'],
      summary: 'The patient pool, filtered and paged; only the patients the caller may see',
      description:
        'The seed shows a copy of the menu example here; this is the designed list. ' +
        'Callers without patients:view_all see only the patients they registered (patients:view_own), or those booked ' +
        'with their linked doctor (patients:view_booked, docs/doctors.md: channel, consultation and spend fields absent). ' +
        'tel is masked without patients:view_full_phone. Deleted records never appear. keyword: part of name, wechat or qq, ' +
        'or of tel; without patients:view_full_phone, part of the tel as shown (139****8442: "8442", "139", "****8442") or ' +
        'the whole number, which is a lookup audited as patient.phone_lookup and capped per account and clinic day ' +
        '(PHONE_LOOKUP_DAILY_LIMIT; past it 429, 42903, with Retry-After). Filters combine with AND: ' +
        'department_id matches any disease of that department, author_id is the consultant, visit_type first/return is ' +
        'one visit / more than one. sort by add_time, order_time, reach_time or id.',
      querystring: PatientListQuery,
      response: withErrors('staff', { 200: PatientListResponse }, [400, 401, 403, 429]),
    },
    config: { access: ['patients:view_own', 'patients:view_all', 'patients:view_booked'] },
    handler: async (request) => {
      const staff = staffOf(request);
      const q = request.query;
      const { rows, total, authorNames } = await service.list(
        staff,
        patientFiltersOf(q),
        { page: q.page, pageSize: q.page_size, sort: q.sort, order: q.order },
        auditActorOf(request),
        nowSeconds(),
      );
      const wireOptions = wireOptionsOf(staff);
      return {
        patients: rows.map((row) => ({
          ...toWirePatient(row, wireOptions),
          authorName: row.author_id === null ? null : (authorNames.get(row.author_id) ?? null),
        })),
        total,
        page: q.page,
        pageSize: q.page_size,
      };
    },
  });

  app.post('/patient', {
    schema: {
      tags: ['staff: patients'],
      summary: 'Register a patient in the pool (seed 004) -> 201 {newPatient}',
      description:
        'name, add_time and state are required (44001). An invalid value answers 400 (40001) naming the field. ' +
        'A tel that is already in the pool answers 409 (40901) with `existingId` when the caller may see that record, ' +
        'unless allow_duplicate=true. Without patients:view_full_phone that check is a whole-number lookup, counted and ' +
        'audited as in GET patient/ (429, 42903, past the daily cap). authorId is the calling user.',
      body: CreatePatientBody,
      response: withErrors('staff', { 201: Type.Object({ newPatient: WirePatientSchema }) }, [400, 401, 403, 409, 429]),
    },
    config: { access: 'patients:create' },
    handler: async (request, reply) => {
      const staff = staffOf(request);
      const row = await service.create(staff, request.body, auditActorOf(request), nowSeconds());
      return reply.code(201).send({ newPatient: toWirePatient(row, wireOptionsOf(staff)) });
    },
  });
}
