import { Type } from 'typebox';
import { addDays, BOOKING_HORIZON_DAYS } from '../../domain/clinic-time/clinic-calendar.js';
import { portalOk } from '../../http/envelopes.js';
import { nowSeconds } from '../../http/request-context.js';
import { portalSuccessSchema, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { ScheduleService } from '../booking/index.js';
import type { PortalCatalogRepository } from './repository.js';
import { DepartmentData, DoctorData, DoctorListQuery } from './schemas.js';

const NEXT_DATES = 5;

export function registerPortalCatalogRoutes(
  app: TypedApp,
  catalog: PortalCatalogRepository,
  schedules: ScheduleService,
): void {
  app.get('/departments', {
    schema: {
      tags: ['portal: booking'],
      summary: 'Active departments (no login needed)',
      response: withErrors('portal', { 200: portalSuccessSchema(Type.Array(DepartmentData)) }, []),
    },
    config: { access: 'public' },
    handler: async () => portalOk(await catalog.listDepartments()),
  });

  app.get('/doctors', {
    schema: {
      tags: ['portal: booking'],
      summary: 'Active doctors, optionally of one department, with their next bookable dates (no login needed)',
      description:
        'Public data only: name, department, title, specialty. next_available_dates comes from one batch computation over ' +
        'all listed doctors (weekly sessions, exceptions and counters read once), not a query per doctor.',
      querystring: DoctorListQuery,
      response: withErrors('portal', { 200: portalSuccessSchema(Type.Array(DoctorData)) }, [400]),
    },
    config: { access: 'public' },
    handler: async (request) => {
      const now = nowSeconds();
      const doctors = await catalog.listDoctors(request.query.department_id);
      const today = schedules.today(now);
      const sessions = await schedules.sessionsOf(
        doctors.map((doctor) => doctor.id),
        today,
        addDays(today, BOOKING_HORIZON_DAYS),
        now,
      );
      const datesByDoctor = new Map<number, string[]>();
      for (const session of sessions) {
        if (!session.bookable) continue;
        const dates = datesByDoctor.get(session.doctorId) ?? [];
        if (dates.at(-1) !== session.date && dates.length < NEXT_DATES) dates.push(session.date);
        datesByDoctor.set(session.doctorId, dates);
      }
      return portalOk(
        doctors.map((doctor) => ({ ...doctor, next_available_dates: datesByDoctor.get(doctor.id) ?? [] })),
      );
    },
  });
}
