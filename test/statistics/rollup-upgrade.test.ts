import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { migrateTo } from '../../src/db/migrations/index.js';
import { ClinicClock } from '../../src/domain/clinic-time/clinic-clock.js';
import type { RollupTables } from '../../src/features/rollup/rollup-repository.js';
import { hashPassword } from '../../src/security/passwords.js';
import { DEFAULT_ROLE, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { expectedRollup, livePatients, storedRollup } from './rollup-oracle.js';

/*
 * A clinic upgrading to 0011 already has patients and a rollup built without the pool list's
 * dimensions (state_channel, author). 0011 marks the rollup as built for no zone, so the first
 * start rebuilds it; until then, and after, the list's totals must be the patient rows' count.
 * 0012 then fills PostgreSQL's keyword gram lists from the same rows (SQLite's came with 0010).
 */

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
/** The administrator the older release had (so no first administrator is created at start). */
const EARLIER_ADMIN = { username: 'before_0011', password: 'before-0011-password' };

async function fillAsRelease0010(database: DatabaseHandle): Promise<void> {
  const { db, dialect } = database;
  await migrateTo(db, dialect, '0010_keyword_digit_grams');
  const channels = (await db.selectFrom('channels').select('id').orderBy('id').limit(3).execute()).map((row) => row.id);
  const role = await db
    .selectFrom('roles')
    .select('id')
    .where('name', '=', DEFAULT_ROLE.administrator)
    .executeTakeFirstOrThrow();
  const passwordHash = await hashPassword(EARLIER_ADMIN.password);
  const author = await db
    .insertInto('staff_users')
    .values({
      username: EARLIER_ADMIN.username,
      display_name: '升级前管理员',
      password_hash: passwordHash,
      role_id: role.id,
      is_active: 1,
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const rows = Array.from({ length: 60 }, (_, index) => ({
    name: `升级${index}`,
    tel: `1390000${String(index).padStart(4, '0')}`,
    add_time: NOW - (index % 30) * DAY - index * 97,
    state: index % 3,
    media_from_id: index % 4 === 3 ? null : channels[index % 3]!,
    author_id: index % 2 === 0 ? author.id : null,
    deleted_at: index % 10 === 9 ? NOW : null,
    created_at: NOW,
    updated_at: NOW,
  }));
  await db.insertInto('patients').values(rows).execute();
  // As 0010's release left it: the rollup marked as built for the zone, its rows those 0008's
  // triggers wrote (today's rebuild cannot run on 0010's tables: they lack 0020's figures).
  // 0011 (and 0020) mark it as built for no zone, so the first start must recount it all.
  await db
    .withTables<RollupTables>()
    .updateTable('patient_day_counts_zone')
    .set({ time_zone: 'Asia/Shanghai', covered_from: 0, covered_until: Date.UTC(2100, 0, 1) / 1000, rebuilt_at: NOW })
    .where('id', '=', 1)
    .execute();
}

describe('upgrading a filled database to 0011 (pool list totals from the rollup)', () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer({ CLINIC_TIMEZONE: 'Asia/Shanghai' }, { beforeMigrations: fillAsRelease0010 });
    admin = await staffLogin(server.http, EARLIER_ADMIN.username, EARLIER_ADMIN.password);
  });
  afterAll(async () => server?.close());

  it('rebuilds the rollup at the first start, the new dimensions included', async () => {
    const stored = await storedRollup(server);
    expect(stored).toEqual(expectedRollup(await livePatients(server), new ClinicClock('Asia/Shanghai')));
    expect(Object.keys(stored).some((key) => key.startsWith('state_channel|'))).toBe(true);
    expect(Object.keys(stored).some((key) => key.startsWith('author|0|#'))).toBe(true);
  });

  it('totals the list by state, channel, add time and author as the patient rows count them', async () => {
    const patients = await livePatients(server);
    const author = patients.find((patient) => patient.author_id !== null)!.author_id!;
    const channel = patients.find((patient) => patient.media_from_id !== null)!.media_from_id!;
    const range = { add_time_from: NOW - 20 * DAY + 3_600, add_time_to: NOW - 2 * DAY - 60 };
    const cases: [Record<string, number>, (patient: (typeof patients)[number]) => boolean][] = [
      [{}, () => true],
      [{ state: 1 }, (patient) => patient.state === 1],
      [
        { state: 0, media_from_id: channel, ...range },
        (patient) =>
          patient.state === 0 &&
          patient.media_from_id === channel &&
          patient.add_time >= range.add_time_from &&
          patient.add_time <= range.add_time_to,
      ],
      [{ author_id: author }, (patient) => patient.author_id === author],
    ];
    for (const [query, matches] of cases) {
      const response = await server.http.get(`${STAFF}/patient/`, { query: { token: admin, page_size: 1, ...query } });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.total, JSON.stringify(query)).toBe(patients.filter(matches).length);
    }
  });

  it('finds the patients of before the upgrade by four digits and by two characters, the recycle bin left out', async () => {
    const search = async (keyword: string) => {
      const response = await server.http.get(`${STAFF}/patient/`, { query: { token: admin, keyword, page_size: 100 } });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return {
        total: response.body.total,
        names: response.body.patients.map((patient: { name: string }) => patient.name),
      };
    };
    expect(await search('0012')).toEqual({ total: 1, names: ['升级12'] });
    expect(await search('0019')).toEqual({ total: 0, names: [] }); // 升级19 is in the recycle bin
    expect((await search('升级')).total).toBe(54);
  });
});
