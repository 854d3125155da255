import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { registerAndLoginPatient, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { addSession, book, calendar, createDoctor, daysFromToday } from './helpers.js';

/*
 * A cutoff of 5 days before the session at 00:00 makes the rule testable at any hour:
 * a session 3 days ahead is past its cutoff, one 10 days ahead is not.
 */
let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer({ BOOKING_CANCEL_CUTOFF: '-5d00:00' });
  admin = await staffLogin(server.http);
});
afterAll(async () => server?.close());

describe('cancellation cutoff (BOOKING_CANCEL_CUTOFF)', () => {
  it("refuses a patient's cancellation after the cutoff with 409 and the deadline; allows it before", async () => {
    const doctorId = await createDoctor(server);
    const soon = daysFromToday(3);
    const later = daysFromToday(10);
    await addSession(server, admin, doctorId, soon, 'morning', 2);
    await addSession(server, admin, doctorId, later, 'morning', 2);
    const patient = await registerAndLoginPatient(server.http);
    const soonId = (await book(server, patient.token, { doctor_id: doctorId, date: soon, period: 'morning' })).body.data
      .id;
    const laterBooking = await book(server, patient.token, { doctor_id: doctorId, date: later, period: 'morning' });
    expect(laterBooking.body.data).toMatchObject({
      cancellable: true,
      cancel_deadline: calendar.instantOnDate(daysFromToday(5), 0),
    });

    const refused = await server.http.post(`/patient/appointments/${soonId}/cancel`, { bearer: patient.token });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 0,
      data: null,
      cancel_deadline: calendar.instantOnDate(daysFromToday(-2), 0),
    });
    expect(refused.body.msg).toContain('已过取消截止时间');
    const still = await server.http.get(`/patient/appointments/${soonId}`, { bearer: patient.token });
    expect(still.body.data).toMatchObject({ status: 'booked', cancellable: false });

    const allowed = await server.http.post(`/patient/appointments/${laterBooking.body.data.id}/cancel`, {
      bearer: patient.token,
    });
    expect(allowed.status).toBe(200);
    expect(allowed.body.data.status).toBe('cancelled');

    // Staff have no cutoff: the front desk can still cancel, with a reason.
    const staffCancel = await server.http.post(`/back_end/api/v1/appointment/${soonId}/cancel`, {
      bearer: admin,
      json: { reason: '患者来电取消' },
    });
    expect(staffCancel.status).toBe(200);
    expect(staffCancel.body.appointment).toMatchObject({
      status: 'cancelled',
      cancelReason: '患者来电取消',
      cancelledBy: 'staff',
    });
  });

  it('computes the default cutoff as the day before at 18:00 clinic time', () => {
    expect(calendar.cancelDeadline('2030-03-10', { daysBefore: 1, minuteOfDay: 18 * 60 })).toBe(
      Date.parse('2030-03-09T10:00:00Z') / 1000,
    );
    expect(calendar.sessionStart('2030-03-10', 'afternoon')).toBe(Date.parse('2030-03-10T05:30:00Z') / 1000);
  });

  it('validates CLINIC_TIMEZONE and BOOKING_CANCEL_CUTOFF at boot', () => {
    expect(loadConfig({}).bookingCancelCutoff).toEqual({ daysBefore: 1, minuteOfDay: 18 * 60 });
    expect(loadConfig({}).clinicTimezone).toBe('Asia/Shanghai');
    expect(loadConfig({ BOOKING_CANCEL_CUTOFF: '-0d09:30' }).bookingCancelCutoff).toEqual({
      daysBefore: 0,
      minuteOfDay: 570,
    });
    for (const bad of ['18:00', '-1d24:00', '-15d18:00', '1d18:00', '-1d18'])
      expect(() => loadConfig({ BOOKING_CANCEL_CUTOFF: bad }), bad).toThrow(ConfigError);
    expect(() => loadConfig({ CLINIC_TIMEZONE: 'Mars/Olympus' })).toThrow(ConfigError);
  });
});
