import { portalOk } from '../../../http/envelopes.js';
import { auditActorOf, nowSeconds, patientOf } from '../../../http/request-context.js';
import { portalSuccessSchema, withErrors } from '../../../http/schemas.js';
import type { TypedApp } from '../../../http/typed-app.js';
import { AppointmentIdParams, PortalAppointmentData, PortalAppointmentList, PortalBookBody } from './schemas.js';
import type { AppointmentService } from './service.js';
import { toPortalAppointment } from './wire.js';

export function registerPortalAppointmentRoutes(app: TypedApp, service: AppointmentService): void {
  const tags = ['portal: booking'];
  const security = [{ bearerAuth: [] }];
  const wire = (row: Parameters<typeof toPortalAppointment>[0], now: number) =>
    toPortalAppointment(row, service.cancelDeadline(row.session_date), now);

  app.post('/appointments', {
    schema: {
      tags,
      summary: 'Book a session (挂号) -> 201',
      description:
        "One place of the doctor's session on that date and period. Refusals (all with a Chinese msg): doctor unknown or inactive 404; " +
        'not a real date, a session already started, beyond 28 days ahead (clinic calendar) or a session the doctor does not hold 400; ' +
        'a cancelled session (停诊), a full session, or a live booking of yours in the same date and period (any doctor) 409. ' +
        'Places are taken with a guarded counter update under a per-session row lock, so concurrent bookings never overbook on ' +
        'SQLite or PostgreSQL. The pool record gets order_time (the session start) and doctor_id; its channel and disease are kept.',
      security,
      body: PortalBookBody,
      response: withErrors('portal', { 201: portalSuccessSchema(PortalAppointmentData) }, [400, 401, 404, 409]),
    },
    config: { access: 'patient' },
    handler: async (request, reply) => {
      const principal = patientOf(request);
      const now = nowSeconds();
      const id = await service.book(
        {
          patientId: principal.patientId,
          doctorId: request.body.doctor_id,
          date: request.body.date,
          period: request.body.period,
          source: 'portal',
          bookedBy: null,
          visitReason: request.body.visit_reason ?? null,
        },
        auditActorOf(request),
        now,
      );
      return reply.code(201).send(portalOk(wire(await service.findOwn(principal.patientId, id), now), '预约成功'));
    },
  });

  app.get('/appointments', {
    schema: {
      tags,
      summary: 'My appointments: upcoming and past, with status',
      description:
        'upcoming: live bookings (status booked) for sessions from today on (clinic calendar); past: everything else, ' +
        'earlier sessions and cancelled, arrived or missed ones. At most the latest 200.',
      security,
      response: withErrors('portal', { 200: portalSuccessSchema(PortalAppointmentList) }, [401]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      const principal = patientOf(request);
      const now = nowSeconds();
      const today = service.calendar.dateAt(now);
      const rows = (await service.listOwn(principal.patientId)).map((row) => wire(row, now));
      // A cancelled or closed booking is no visit to come, whatever its date: the patient would go for nothing.
      const isUpcoming = (row: (typeof rows)[number]) => row.status === 'booked' && row.date >= today;
      return portalOk({
        upcoming: rows.filter(isUpcoming).reverse(),
        past: rows.filter((row) => !isUpcoming(row)),
      });
    },
  });

  app.get('/appointments/:id', {
    schema: {
      tags,
      summary: 'One of my appointments',
      description: "Another patient's appointment answers 404 exactly like one that does not exist.",
      security,
      params: AppointmentIdParams,
      response: withErrors('portal', { 200: portalSuccessSchema(PortalAppointmentData) }, [400, 401, 404]),
    },
    config: { access: 'patient' },
    handler: async (request) =>
      portalOk(wire(await service.findOwn(patientOf(request).patientId, request.params.id), nowSeconds())),
  });

  app.post('/appointments/:id/cancel', {
    schema: {
      tags,
      summary: 'Cancel one of my appointments, until the cutoff',
      description:
        'Allowed while booked and until BOOKING_CANCEL_CUTOFF (default the day before the session at 18:00 clinic time); ' +
        "afterwards 409 with cancel_deadline. Already cancelled or closed 409. Another patient's id answers 404 like a missing one.",
      security,
      params: AppointmentIdParams,
      response: withErrors('portal', { 200: portalSuccessSchema(PortalAppointmentData) }, [400, 401, 404, 409]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      const now = nowSeconds();
      const row = await service.cancelOwn(patientOf(request).patientId, request.params.id, auditActorOf(request), now);
      return portalOk(wire(row, now), '已取消预约');
    },
  });
}
