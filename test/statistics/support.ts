import { expect } from 'vitest';
import { type AuditActor, AuditRepository } from '../../src/domain/audit.js';
import { recordArrival } from '../../src/features/visits/record-arrival.js';
import { STAFF, unixNow } from '../support/fixtures.js';
import type { TestServer } from '../support/server.js';

/** Unix seconds of a wall-clock time in Asia/Shanghai (UTC+8, no daylight saving). */
export const shanghai = (year: number, month: number, day: number, hour = 12, minute = 0): number =>
  Date.UTC(year, month - 1, day, hour - 8, minute) / 1000;

const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null, ip: null, userAgent: null, requestId: null };

/** An arrival through THE arrival rule (visit row, state, reach_time, spend), as the front desk would record it. */
export async function recordTestArrival(
  server: TestServer,
  patientId: number,
  visitTime: number,
  spendFen = 0,
): Promise<void> {
  const db = server.database.db;
  await db
    .transaction()
    .execute((trx) =>
      recordArrival(
        trx,
        new AuditRepository(db),
        SYSTEM_ACTOR,
        { patientId, visitTime, spendFen, recordedBy: null },
        unixNow(),
      ),
    );
}

export async function createPatient(server: TestServer, token: string, body: Record<string, unknown>): Promise<number> {
  const response = await server.http.post(`${STAFF}/patient/`, { json: { token, state: 0, ...body } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return Number(response.body.newPatient.id);
}

export async function catalogId(
  server: TestServer,
  table: 'channels' | 'diseases' | 'doctors' | 'departments',
  name: string,
): Promise<number> {
  const row = await server.database.db
    .selectFrom(table)
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A role for tests that need a permission mix no default role has. */
export async function createRole(server: TestServer, name: string, permissions: string[]): Promise<void> {
  const db = server.database.db;
  const role = await db
    .insertInto('roles')
    .values({ name, builtin_key: null, created_at: unixNow() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('role_permissions')
    .values(permissions.map((permission_key) => ({ role_id: role.id, permission_key })))
    .execute();
}
