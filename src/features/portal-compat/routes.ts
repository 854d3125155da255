import { Type } from 'typebox';
import { portalOk } from '../../http/envelopes.js';
import { AppError, isAppError } from '../../http/errors.js';
import { auditActorOf, nowSeconds, patientOf } from '../../http/request-context.js';
import { portalSuccessSchema, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { AppointmentService } from '../booking/index.js';
import type { PortalCatalogRepository } from '../portal-catalog/index.js';
import { CompatDoctor, CompatRegistration, CompatRegistrationBody, RegistrationIdParams } from './schemas.js';

/** What the compatibility routes are given: the booking rules, the public catalog and the clinic's name. */
export interface PortalCompatDependencies {
  appointments: AppointmentService;
  catalog: PortalCatalogRepository;
  /** CLINIC_NAME, or null when unset: the original client's "hospital". */
  clinicName: string | null;
}

type Appointment = Awaited<ReturnType<AppointmentService['findOwn']>>;

const tags = ['portal: original client compatibility'];
const security = [{ bearerAuth: [] }];

const REFUSALS =
  'Every refusal is `{code: 0, msg, data: null}` with a real HTTP status, decided by the same booking rules as ' +
  'POST /patient/appointments (one service, so the same capacity, horizon, double-booking and cutoff): ' +
  'missing field, wrong type, malformed JSON, not a real date, a session already started (past date), beyond 28 days ' +
  '(clinic calendar) or no session of the doctor that half-day 400 (`field` names the input); a patient_id that is not ' +
  "the caller's 403; unknown or inactive doctor 404; a 停诊 (cancelled session), a full session, or a live booking of " +
  'yours in the same date and timeSlot with any doctor 409. A refused request writes nothing.';

function toRegistration(row: Appointment, service: AppointmentService, hospitalName: string, now: number) {
  const deadline = service.cancelDeadline(row.session_date);
  return {
    id: row.id,
    patient_id: row.patient_id,
    doctor_id: row.doctor_id,
    doctor_name: row.doctor_name,
    department_name: row.department_name,
    hospital_name: hospitalName,
    date: row.session_date,
    timeSlot: row.period,
    state: row.status,
    cancellable: row.status === 'booked' && now <= deadline,
    created_at: row.created_at,
  };
}

/** Booking names the session's half-day `period`; this client calls it `timeSlot`, so its refusals say so. */
function inClientTerms(error: unknown): unknown {
  if (!isAppError(error) || error.extra?.field !== 'period') return error;
  return new AppError(error.code, error.message, { extra: { ...error.extra, field: 'timeSlot' } });
}

/**
 * The routes the patient front end built for the original API calls besides the seed's
 * (issue 19): its doctor list and its registration (挂号) pages, served by CarePool's catalog and
 * booking service. docs/portal-compat.md has the mapping.
 */
export function registerPortalCompatRoutes(app: TypedApp, dependencies: PortalCompatDependencies): void {
  const { appointments, catalog } = dependencies;
  const hospitalName = dependencies.clinicName ?? '';

  app.get('/doctorlist', {
    schema: {
      tags,
      summary: 'All active doctors with department and hospital names (original client; no login needed)',
      description:
        "The original client's doctor list. Active doctors in the back office's order, public data only, like " +
        'GET /patient/doctors (which adds next bookable dates). hospital_name is CLINIC_NAME for every doctor: CarePool ' +
        'serves one clinic. A token may be sent; it is not needed.',
      response: withErrors('portal', { 200: portalSuccessSchema(Type.Array(CompatDoctor)) }, []),
    },
    config: { access: 'public' },
    handler: async () => {
      const doctors = await catalog.listDoctors(undefined);
      return portalOk(
        doctors.map((doctor) => ({
          id: doctor.id,
          name: doctor.name,
          title: doctor.title,
          specialty: doctor.specialty,
          department_id: doctor.department_id,
          department_name: doctor.department_name,
          hospital_name: hospitalName,
        })),
      );
    },
  });

  app.post('/registration', {
    schema: {
      tags,
      summary: 'Book a session (挂号) as the original client does: {patient_id, doctor_id, date, timeSlot} -> 200',
      description:
        "Books one place of the doctor's session on `date` in `timeSlot` (= CarePool's session period) for the patient " +
        "of the token, through CarePool's booking service. 200 like every answer of the seed, with the registration. " +
        `The patient is never taken from the body. ${REFUSALS}`,
      security,
      body: CompatRegistrationBody,
      response: withErrors('portal', { 200: portalSuccessSchema(CompatRegistration) }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      const principal = patientOf(request);
      const body = request.body;
      if (body.patient_id !== undefined && body.patient_id !== principal.patientId) {
        throw new AppError(
          'permission_denied',
          '只能为当前登录的患者本人挂号（patient_id 与登录身份不符，请重新登录）',
          {
            extra: { field: 'patient_id' },
          },
        );
      }
      const now = nowSeconds();
      let id: number;
      try {
        id = await appointments.book(
          {
            patientId: principal.patientId,
            doctorId: body.doctor_id,
            date: body.date,
            period: body.timeSlot,
            source: 'portal',
            bookedBy: null,
          },
          auditActorOf(request),
          now,
        );
      } catch (error) {
        throw inClientTerms(error);
      }
      const row = await appointments.findOwn(principal.patientId, id);
      return portalOk(toRegistration(row, appointments, hospitalName, now), '挂号成功');
    },
  });

  app.get('/registration', {
    schema: {
      tags,
      summary: "My registrations (original client's booking records), latest session first",
      description:
        "The caller's appointments, every state, at most the latest 200, sessions latest first: doctor, department, " +
        'hospital (CLINIC_NAME), date, timeSlot (= period) and state (= CarePool status: booked, cancelled, arrived, missed).',
      security,
      response: withErrors('portal', { 200: portalSuccessSchema(Type.Array(CompatRegistration)) }, [401]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      const now = nowSeconds();
      const rows = await appointments.listOwn(patientOf(request).patientId);
      return portalOk(rows.map((row) => toRegistration(row, appointments, hospitalName, now)));
    },
  });

  app.delete('/registration/:id', {
    schema: {
      tags,
      summary: 'Cancel one of my registrations, until the cutoff',
      description:
        'Cancels through the booking service: allowed while booked and until BOOKING_CANCEL_CUTOFF (default the day ' +
        'before the session at 18:00 clinic time); afterwards 409 with cancel_deadline (Unix seconds). Already ' +
        "cancelled, arrived or missed 409. Another patient's id answers 404 exactly like an id that does not exist. " +
        'The place is free again at once. 200 with the registration, state cancelled.',
      security,
      params: RegistrationIdParams,
      response: withErrors('portal', { 200: portalSuccessSchema(CompatRegistration) }, [400, 401, 404, 409]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      const now = nowSeconds();
      const row = await appointments.cancelOwn(
        patientOf(request).patientId,
        request.params.id,
        auditActorOf(request),
        now,
      );
      return portalOk(toRegistration(row, appointments, hospitalName, now), '已取消挂号');
    },
  });
}
