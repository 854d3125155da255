import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { migrateTo } from '../../src/db/migrations/index.js';
import { addDays } from '../../src/domain/clinic-time/clinic-calendar.js';
import { hashPassword } from '../../src/security/passwords.js';
import { clinicToday } from '../appointments/helpers.js';
import { STAFF, staffLogin } from '../support/fixtures.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, startTestServer, type TestServer } from '../support/server.js';

/*
 * A clinic upgrading to 0022 has follow-ups on record: each patient's plan must be filled from
 * their latest contact (equal times: the newer row), so the worklist and the dashboard count the
 * calls already planned from the first start.
 */

const NOW = Math.floor(Date.now() / 1000);
let server: TestServer;
let admin: string;
const patientIds: Record<string, number> = {};

async function fillAsRelease0021(database: DatabaseHandle): Promise<void> {
  const { db, dialect } = database;
  await migrateTo(db, dialect, '0021_marketing_costs');
  const role = await db
    .selectFrom('roles')
    .select('id')
    .where('builtin_key', '=', 'administrator')
    .executeTakeFirstOrThrow();
  const staff = await db
    .insertInto('staff_users')
    .values({
      username: ADMIN_USERNAME,
      display_name: '升级前管理员',
      password_hash: await hashPassword(ADMIN_PASSWORD),
      role_id: role.id,
      is_active: 1,
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const name of ['逾期', '已改期', '同秒两次', '已结束', '从未回访']) {
    const row = await db
      .insertInto('patients')
      .values({ name, add_time: NOW - 86_400, state: 0, author_id: staff.id, created_at: NOW, updated_at: NOW })
      .returning('id')
      .executeTakeFirstOrThrow();
    patientIds[name] = row.id;
  }
  const today = clinicToday();
  const followUp = (name: string, contactTime: number, next: string | null) => ({
    patient_id: patientIds[name]!,
    staff_id: staff.id,
    contact_time: contactTime,
    way: '电话',
    content: '回访',
    next_follow_up_date: next,
    created_at: NOW,
  });
  await db
    .insertInto('follow_ups')
    .values([
      followUp('逾期', NOW - 7200, addDays(today, -3)),
      followUp('已改期', NOW - 7200, addDays(today, -1)),
      followUp('已改期', NOW - 3600, addDays(today, 4)),
      followUp('同秒两次', NOW - 3600, addDays(today, 9)),
      followUp('同秒两次', NOW - 3600, today),
      followUp('已结束', NOW - 7200, addDays(today, -2)),
      followUp('已结束', NOW - 600, null),
    ])
    .execute();
}

beforeAll(async () => {
  server = await startTestServer({}, { beforeMigrations: fillAsRelease0021 });
  admin = await staffLogin(server.http);
});
afterAll(async () => server?.close());

describe('upgrading to 0022 (follow-up plans on the patient)', () => {
  it("fills each patient's plan from their latest contact", async () => {
    const rows = await server.database.db
      .selectFrom('patients')
      .select(['name', 'last_contact_at', 'next_follow_up_date'])
      .orderBy('id')
      .execute();
    const today = clinicToday();
    expect(
      rows.map((row) => [
        row.name,
        row.last_contact_at === null ? null : Number(row.last_contact_at),
        row.next_follow_up_date,
      ]),
    ).toEqual([
      ['逾期', NOW - 7200, addDays(today, -3)],
      ['已改期', NOW - 3600, addDays(today, 4)],
      ['同秒两次', NOW - 3600, today],
      ['已结束', NOW - 600, null],
      ['从未回访', null, null],
    ]);
    const worklist = await server.http.get(`${STAFF}/worklists/follow-ups`, { bearer: admin, query: { due: 'all' } });
    expect(worklist.status, worklist.text).toBe(200);
    expect(worklist.body.counts).toEqual({ overdue: 1, today: 1, upcoming: 1 });
    const dashboard = await server.http.get(`${STAFF}/dashboard`, { bearer: admin });
    expect(dashboard.body.dashboard.followUpsDue).toBe(2);
  });
});
