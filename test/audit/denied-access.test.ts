import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPatientBody,
  createStaffUser,
  DEFAULT_ROLE,
  registerAndLoginPatient,
  STAFF,
  staffLogin,
} from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Issue 14, item 5: a staff member refused a patient record or an administrative page leaves a
 * trace for a clinic investigating a leak, and a loop of refusals does not flood the log.
 */
let server: TestServer;
let admin: string;
let consultantA: { id: number; token: string };
let consultantB: { id: number; token: string };
let patientOfB: string;

type Entry = {
  action: string;
  actorId: string | null;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown> | null;
  attempts: number | null;
};

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  consultantA = await createStaffUser(server, 'denied_a', DEFAULT_ROLE.consultant);
  consultantB = await createStaffUser(server, 'denied_b', DEFAULT_ROLE.consultant);
  const created = await server.http.post(`${STAFF}/patient/`, {
    bearer: consultantB.token,
    json: createPatientBody({ name: '乙的客户' }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  patientOfB = created.body.newPatient.id as string;
});
afterAll(async () => server?.close());

/** The denial is written after the answer has gone: read the log until it shows what the test expects (5 s at most). */
async function deniedEntries(
  until: (entries: Entry[]) => boolean,
  query: Record<string, string | number> = {},
): Promise<Entry[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const response = await server.http.get(`${STAFF}/logs/`, {
      query: { token: admin, action: 'access.denied', actor_id: consultantA.id, ...query },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const entries = response.body.entries as Entry[];
    if (until(entries) || Date.now() > deadline) return entries;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('denied staff requests are audited', () => {
  it("records a consultant's try at another consultant's patient (404), with the patient's id", async () => {
    const response = await server.http.get(`${STAFF}/patient/${patientOfB}`, { bearer: consultantA.token });
    expect(response.status).toBe(404);
    const entries = await deniedEntries((found) => found.length > 0, { target_type: 'patient', target_id: patientOfB });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      outcome: 'denied',
      actorId: String(consultantA.id),
      targetType: 'patient',
      targetId: patientOfB,
      attempts: 1,
    });
    expect(entries[0]!.details).toMatchObject({ route: 'GET /back_end/api/v1/patient/:id', status: 404 });
  });

  it("records refusals of the staff list and of a role's permissions (403)", async () => {
    expect((await server.http.get(`${STAFF}/staff/`, { bearer: consultantA.token })).status).toBe(403);
    expect((await server.http.get(`${STAFF}/roles/1/permissions`, { bearer: consultantA.token })).status).toBe(403);
    const entries = await deniedEntries((found) => found.length >= 3, { outcome: 'denied' });
    const routes = entries.map((entry) => entry.details?.route);
    expect(routes).toContain('GET /back_end/api/v1/staff');
    expect(routes).toContain('GET /back_end/api/v1/roles/:id/permissions');
    const rolePermissions = entries.find(
      (entry) => entry.details?.route === 'GET /back_end/api/v1/roles/:id/permissions',
    );
    expect(rolePermissions).toMatchObject({ targetType: 'role', targetId: '1', outcome: 'denied' });
  });

  it('one row per account, route and minute however many refusals: the row carries their count', async () => {
    const before = await server.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('rows'))
      .executeTakeFirstOrThrow();
    const tries = 40;
    const statuses = await Promise.all(
      Array.from({ length: tries }, (_, index) =>
        server.http.get(`${STAFF}/staff/${index + 1}`, { bearer: consultantA.token }).then((r) => r.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([403]));
    // One row for the 40 refusals; a minute boundary inside the burst makes it two, whose counts add up.
    const onStaffRecord = (entries: Entry[]) =>
      entries.filter((candidate) => candidate.details?.route === 'GET /back_end/api/v1/staff/:id');
    const attemptsCounted = (entries: Entry[]) =>
      onStaffRecord(entries).reduce((sum, entry) => sum + (entry.attempts ?? 0), 0);
    const entries = await deniedEntries((found) => attemptsCounted(found) === tries);
    expect(attemptsCounted(entries)).toBe(tries);
    expect(onStaffRecord(entries).length).toBeLessThanOrEqual(2);
    const after = await server.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('rows'))
      .executeTakeFirstOrThrow();
    // The denial rows and the administrator's reads of the log: nothing near one row per refusal.
    expect(Number(after.rows) - Number(before.rows)).toBeLessThan(10);
  });

  it('does not record what is no denial: allowed reads, requests without a staff token, patients', async () => {
    const countDenied = async () =>
      Number(
        (
          await server.database.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('rows'))
            .where('action', '=', 'access.denied')
            .executeTakeFirstOrThrow()
        ).rows,
      );
    const before = await countDenied();
    expect((await server.http.get(`${STAFF}/patient/${patientOfB}`, { bearer: consultantB.token })).status).toBe(200);
    expect((await server.http.get(`${STAFF}/staff/`)).status).toBe(401);
    const patient = await registerAndLoginPatient(server.http);
    expect((await server.http.get(`${STAFF}/staff/`, { bearer: patient.token })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await countDenied()).toBe(before);
  });
});
