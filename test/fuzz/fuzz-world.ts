import { expect } from 'vitest';
import type { SessionFamily } from '../../src/db/schema.js';
import { allPermissionKeys } from '../../src/domain/permissions.js';
import { SessionRepository } from '../../src/security/session-repository.js';
import { TokenService } from '../../src/security/tokens.js';
import { addSession, book, createDoctor, daysFromToday, setWeekly } from '../appointments/helpers.js';
import {
  createPatientBody,
  createStaffUser,
  DEFAULT_ROLE,
  registerAndLoginPatient,
  STAFF,
  staffLogin,
  uniquePhone,
  unixNow,
} from '../support/fixtures.js';
import { TEST_JWT_SECRET, type TestServer } from '../support/server.js';

/**
 * What the fuzzer works on: one staff operator holding every permission in a role of its
 * own, one portal patient, and fixtures for every kind of id (patients, staff, roles,
 * catalog entries, a doctor with a full week, appointments, a dated session). The
 * operator and the portal patient are kept out of the id pools, so the fuzzer edits,
 * disables and deletes other things, not the hands it works with.
 */
export interface FuzzWorld {
  operatorId: number;
  portalPatientId: number;
  /** Ids that exist at start, per kind. */
  pools: Record<IdKind, number[]>;
  /** A live token of the family; minted again when the fuzzer has revoked the last one. */
  validToken(family: SessionFamily): Promise<string>;
  tokenRevoked(family: SessionFamily): void;
  /** Tokens that must never get past a guard: expired, forged, `alg: none`, revoked, junk. */
  hostileTokens: Record<SessionFamily, string[]>;
}

export type IdKind =
  | 'patients'
  | 'staff'
  | 'roles'
  | 'departments'
  | 'diseases'
  | 'doctors'
  | 'channels'
  | 'advisoryWays'
  | 'appointments'
  | 'ownAppointments'
  | 'exceptions'
  | 'notificationTemplates'
  | 'notificationMessages';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function unsignedToken(family: SessionFamily, subjectId: number): string {
  const now = unixNow();
  const header = base64url({ alg: 'none', typ: `carepool-${family}+jwt` });
  const payload = base64url({
    iss: 'carepool',
    aud: `carepool-${family}`,
    sub: String(subjectId),
    jti: 'x',
    iat: now,
    exp: now + 3600,
  });
  return `${header}.${payload}.`;
}

/** Marks one queued message failed (as a provider refusal would) and answers the ids of all. */
async function failedMessage(db: TestServer['database']['db']): Promise<number[]> {
  const rows = await db.selectFrom('notification_outbox').select('id').orderBy('id').execute();
  if (rows[0])
    await db.updateTable('notification_outbox').set({ status: 'failed' }).where('id', '=', rows[0].id).execute();
  return rows.map((row) => row.id);
}

export async function buildFuzzWorld(server: TestServer): Promise<FuzzWorld> {
  const db = server.database.db;
  const now = unixNow();
  const admin = await staffLogin(server.http);

  // Catalogs and other people's records first, so the low ids a fuzzer's boundary values hit are theirs.
  const staffPatients: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const created = await server.http.post(`${STAFF}/patient/`, {
      bearer: admin,
      json: createPatientBody({ name: `池客户${i}`, tel: uniquePhone() }),
    });
    expect(created.status, created.text).toBe(201);
    staffPatients.push(Number(created.body.newPatient.id));
  }
  const victimPatient = await registerAndLoginPatient(server.http, uniquePhone(), '另一位患者');
  const victimStaff = await createStaffUser(server, 'fuzz_victim', DEFAULT_ROLE.frontDesk);
  const victimRole = await db
    .insertInto('roles')
    .values({ name: '模糊测试角色', builtin_key: null, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();

  const doctorId = await createDoctor(server, '模糊测试医生');
  for (let weekday = 1; weekday <= 7; weekday += 1) {
    await setWeekly(server, admin, doctorId, weekday, 'morning', 5);
    await setWeekly(server, admin, doctorId, weekday, 'afternoon', 5);
  }
  await addSession(server, admin, doctorId, daysFromToday(9), 'afternoon', 8);
  const victimBooking = await book(server, victimPatient.token, {
    doctor_id: doctorId,
    date: daysFromToday(4),
    period: 'morning',
  });
  expect(victimBooking.status, victimBooking.text).toBe(201);

  const operatorRole = await db
    .insertInto('roles')
    .values({ name: '模糊测试操作员', builtin_key: null, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('role_permissions')
    .values(allPermissionKeys.map((key) => ({ role_id: operatorRole.id, permission_key: key })))
    .execute();
  const operator = await createStaffUser(server, 'fuzz_operator', '模糊测试操作员');
  const portal = await registerAndLoginPatient(server.http, uniquePhone(), '模糊测试患者');
  const ownBooking = await book(server, portal.token, {
    doctor_id: doctorId,
    date: daysFromToday(5),
    period: 'afternoon',
  });
  expect(ownBooking.status, ownBooking.text).toBe(201);

  const ids = async (
    table:
      | 'departments'
      | 'diseases'
      | 'doctors'
      | 'channels'
      | 'advisory_ways'
      | 'doctor_session_exceptions'
      | 'notification_templates'
      | 'notification_outbox',
  ) => (await db.selectFrom(table).select('id').execute()).map((row) => row.id);
  const pools: Record<IdKind, number[]> = {
    patients: [...staffPatients, victimPatient.patientId],
    staff: [victimStaff.id],
    roles: [victimRole.id],
    departments: await ids('departments'),
    diseases: await ids('diseases'),
    doctors: await ids('doctors'),
    channels: await ids('channels'),
    advisoryWays: await ids('advisory_ways'),
    appointments: [Number(victimBooking.body.data.id), Number(ownBooking.body.data.id)],
    ownAppointments: [Number(ownBooking.body.data.id)],
    exceptions: await ids('doctor_session_exceptions'),
    // The bookings above queued messages; one of them failed, so a retry has something to take.
    notificationTemplates: await ids('notification_templates'),
    notificationMessages: await failedMessage(db),
  };

  const tokens = new TokenService(TEST_JWT_SECRET, server.config.tokenTtlSeconds);
  const sessions = new SessionRepository(db);
  const subjectOf: Record<SessionFamily, number> = { staff: operator.id, patient: portal.patientId };
  const accountId = (
    await db
      .selectFrom('patient_accounts')
      .select('id')
      .where('patient_id', '=', portal.patientId)
      .executeTakeFirstOrThrow()
  ).id;
  subjectOf.patient = accountId;
  const mint = async (family: SessionFamily, at = unixNow(), service = tokens) => {
    const issued = await service.issue(family, subjectOf[family], at);
    await sessions.create({
      id: issued.sessionId,
      family,
      subjectId: subjectOf[family],
      createdAt: at,
      expiresAt: issued.expiresAt,
    });
    return issued;
  };
  const hostileTokens = async (family: SessionFamily): Promise<string[]> => {
    const revoked = await mint(family);
    await sessions.revoke(family, revoked.sessionId, unixNow());
    return [
      (await mint(family, unixNow() - 10 * server.config.tokenTtlSeconds)).token,
      (await mint(family, unixNow(), new TokenService('another-secret-that-is-long-enough-0123456789abcdef', 3600)))
        .token,
      unsignedToken(family, subjectOf[family]),
      revoked.token,
      'not-a-token',
      'a.b.c',
      `${revoked.token}x`,
      'x'.repeat(5000),
    ];
  };
  const live: Partial<Record<SessionFamily, string>> = { staff: operator.token, patient: portal.token };

  return {
    operatorId: operator.id,
    portalPatientId: portal.patientId,
    pools,
    hostileTokens: { staff: await hostileTokens('staff'), patient: await hostileTokens('patient') },
    validToken: async (family) => (live[family] ??= (await mint(family)).token),
    tokenRevoked: (family) => {
      live[family] = undefined;
    },
  };
}
