import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createTestDatabase, type TestDatabase, testDialect } from '../support/database.js';
import { call, sleep } from './support/client.js';
import {
  bookMorning,
  doctorWithSession,
  freshPhone,
  loginPatient,
  registerPatient,
  STAFF,
  staffToken,
} from './support/clinic.js';
import { type SpawnedServer, serverEnv, spawnServer } from './support/spawned-server.js';

/**
 * Crash safety: writers keep going while the server is SIGKILLed at random moments and
 * restarted on the same database. Every write the client saw acknowledged must be there
 * afterwards, and nothing may be half there. CRASH_KILLS / CRASH_WRITERS make it longer.
 */
const KILLS = Number(process.env.CRASH_KILLS ?? 4);
const WRITERS = Number(process.env.CRASH_WRITERS ?? 4);
const PASSWORD = 'crash-pass-1';

let testDatabase: TestDatabase;
let server: SpawnedServer | undefined;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await server?.kill('SIGKILL');
  await testDatabase?.drop();
});

interface Acknowledged {
  staffPatients: { id: number; name: string }[];
  registrations: string[];
  bookings: { id: number; phone: string }[];
}

describe(`crash safety under SIGKILL (${testDialect()})`, () => {
  it(`loses no acknowledged write and leaves nothing half-written across ${KILLS} kills`, {
    timeout: 240_000,
  }, async () => {
    server = await spawnServer(serverEnv(testDatabase.url, testDatabase.dataDir));
    const admin = await staffToken(server.baseUrl);
    const sessions = [
      await doctorWithSession(server.baseUrl, admin, 3, 500),
      await doctorWithSession(server.baseUrl, admin, 4, 500),
    ];

    const acked: Acknowledged = { staffPatients: [], registrations: [], bookings: [] };
    const unexpected: string[] = [];
    let stop = false;
    let serial = 0;
    /** A live server answered something no healthy write should get (a dead one answers nothing: status 0). */
    let serverDown = false;
    const check = (what: string, status: number, expected: number, body: unknown): boolean => {
      serverDown = status === 0;
      if (status === expected) return true;
      if (status !== 0) unexpected.push(`${what}: ${status} ${JSON.stringify(body)}`);
      return false;
    };

    const writer = async () => {
      const base = server!.baseUrl;
      while (!stop) {
        // While the server is down, knock gently: a tight loop of refused connections would
        // only slow down the restart it is waiting for.
        if (serverDown) await sleep(100);
        serial += 1;
        if (serial % 2 === 0) {
          const name = `崩溃客户${serial}`;
          const created = await call(base, 'POST', `${STAFF}/patient/`, {
            bearer: admin,
            json: { name, add_time: Math.floor(Date.now() / 1000), state: 0 },
          });
          if (check('staff create', created.status, 201, created.body))
            acked.staffPatients.push({ id: Number(created.body.newPatient.id), name });
        } else {
          const phone = freshPhone();
          const registered = await registerPatient(base, phone, PASSWORD);
          if (!check('register', registered.status, 200, registered.body)) continue;
          acked.registrations.push(phone);
          const login = await loginPatient(base, phone, PASSWORD);
          if (!check('login', login.status, 200, login.body)) continue;
          const session = sessions[serial % sessions.length]!;
          const booked = await bookMorning(base, login.body.data.token, session.doctorId, session.date);
          if (check('book', booked.status, 201, booked.body)) acked.bookings.push({ id: booked.body.data.id, phone });
        }
      }
    };

    const writers = Array.from({ length: WRITERS }, writer);
    const killDelays: number[] = [];
    const restartMs: number[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      const delay = 600 + Math.floor(Math.random() * 1600);
      killDelays.push(delay);
      await sleep(delay);
      await server.kill('SIGKILL');
      const restartStarted = Date.now();
      await server.restart();
      restartMs.push(Date.now() - restartStarted);
    }
    await sleep(500);
    stop = true;
    await Promise.all(writers);

    expect(unexpected, 'answers a live server should never give a valid write').toEqual([]);
    const writes = acked.staffPatients.length + acked.registrations.length + acked.bookings.length;
    expect(writes, 'the load must actually have written').toBeGreaterThan(20);

    // Every acknowledged registration still logs in (through the restarted server).
    const failedLogins: string[] = [];
    for (let index = 0; index < acked.registrations.length; index += 4) {
      const batch = acked.registrations.slice(index, index + 4);
      const logins = await Promise.all(batch.map((phone) => loginPatient(server!.baseUrl, phone, PASSWORD)));
      logins.forEach((login, offset) => login.status !== 200 && failedLogins.push(`${batch[offset]}: ${login.status}`));
    }
    expect(failedLogins).toEqual([]);
    await server.kill('SIGKILL');

    const database = openDatabase(testDatabase.url);
    try {
      const db = database.db;
      const patients = await db.selectFrom('patients').select(['id', 'name', 'tel']).execute();
      const byId = new Map(patients.map((row) => [row.id, row]));
      const lostPatients = acked.staffPatients.filter((written) => byId.get(written.id)?.name !== written.name);
      expect(lostPatients, 'acknowledged staff creates missing').toEqual([]);

      const accounts = await db.selectFrom('patient_accounts').select(['phone', 'patient_id']).execute();
      const accountPhones = new Set(accounts.map((row) => row.phone));
      expect(
        acked.registrations.filter((phone) => !accountPhones.has(phone)),
        'acknowledged registrations missing',
      ).toEqual([]);
      // Half there: an account without its pool record, or one whose record has another phone.
      expect(
        accounts.filter((row) => byId.get(row.patient_id)?.tel !== row.phone),
        'accounts without their patient',
      ).toEqual([]);

      const appointments = await db
        .selectFrom('appointments')
        .select(['id', 'patient_id', 'status', 'doctor_id', 'session_date', 'period'])
        .execute();
      const appointmentIds = new Map(appointments.map((row) => [row.id, row]));
      expect(
        acked.bookings.filter((booking) => appointmentIds.get(booking.id)?.status !== 'booked'),
        'acknowledged bookings missing',
      ).toEqual([]);
      expect(
        appointments.filter((row) => !byId.has(row.patient_id)),
        'appointments without their patient',
      ).toEqual([]);

      // The places counter of every session equals its live bookings (no half-taken place).
      const counters = await db
        .selectFrom('session_counters as c')
        .select(['c.doctor_id', 'c.session_date', 'c.booked'])
        .select(
          sql<number>`(select count(*) from appointments a where a.doctor_id = c.doctor_id and a.session_date = c.session_date and a.period = c.period and a.status = 'booked')`.as(
            'live',
          ),
        )
        .execute();
      expect(
        counters.filter((row) => Number(row.booked) !== Number(row.live)),
        'counters that disagree with live bookings',
      ).toEqual([]);
      const countedBookings = counters.reduce((sum, row) => sum + Number(row.booked), 0);
      expect(countedBookings).toBe(appointments.filter((row) => row.status === 'booked').length);

      console.log(
        `[faults] crash safety (${testDialect()}): ${KILLS} SIGKILLs survived (after ${killDelays.join('/')} ms of load each), ` +
          `${writes} acknowledged writes verified (${acked.staffPatients.length} staff patient creates, ${acked.registrations.length} registrations, ` +
          `${acked.bookings.length} bookings), 0 lost, 0 half-written; ${patients.length} patients, ${counters.length} session counters consistent; ` +
          `restart to ready ${restartMs.join('/')} ms`,
      );
    } finally {
      await database.close();
    }
  });
});
