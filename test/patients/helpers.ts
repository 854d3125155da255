import { expect } from 'vitest';
import { createPatientBody, STAFF, uniquePhone } from '../support/fixtures.js';
import type { TestServer } from '../support/server.js';

/** Registers a patient through the API as the given user and returns its id. */
export async function createPatient(
  server: TestServer,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<number> {
  const response = await server.http.post(`${STAFF}/patient/`, {
    json: createPatientBody({ token, tel: uniquePhone(), ...overrides }),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return Number(response.body.newPatient.id);
}

/** Audit rows of one action on one patient, oldest first, details parsed. */
export async function auditRows(server: TestServer, action: string, patientId: number) {
  const rows = await server.database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('target_type', '=', 'patient')
    .where('target_id', '=', String(patientId))
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    ...row,
    details: row.details ? (JSON.parse(row.details) as Record<string, any>) : null,
  }));
}

export const patientRow = (server: TestServer, id: number) =>
  server.database.db.selectFrom('patients').selectAll().where('id', '=', id).executeTakeFirst();

export async function catalogId(
  server: TestServer,
  table: 'diseases' | 'departments' | 'doctors' | 'channels',
  name: string,
): Promise<number> {
  const row = await server.database.db
    .selectFrom(table)
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.id;
}

export const pastDate = (): string => new Date(Date.now() - 86_400_000 * 2).toISOString().slice(0, 10);
export const inAWeek = (): string => new Date(Date.now() + 86_400_000 * 7).toISOString().slice(0, 10);
