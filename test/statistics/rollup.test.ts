import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/clinic-time/clinic-calendar.js';
import { ClinicClock } from '../../src/domain/clinic-time/clinic-clock.js';
import type { RollupTables } from '../../src/features/rollup/rollup-repository.js';
import { compactRollup, rebuildRollup, syncRollup } from '../../src/features/rollup/rollup-sync.js';
import { addSession, createDoctor } from '../appointments/helpers.js';
import {
  createStaffUser,
  DEFAULT_ROLE,
  registerAndLoginPatient,
  STAFF,
  staffLogin,
  uniquePhone,
  unixNow,
} from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { csvOf, uploadImport } from '../transfer/support.js';
import {
  answeredFunnel,
  expectedFunnel,
  expectedRollup,
  type FunnelFilters,
  type Group,
  livePatients,
  storedRollup,
  type View,
} from './rollup-oracle.js';
import { catalogId } from './support.js';

/*
 * The funnel and the dashboard read patient_day_counts (whole clinic days) plus the raw rows
 * at the range's ends; triggers keep it up to date. After writes through every path that
 * changes a counted column, each answer must equal the definition computed from the
 * patient rows (rollup-oracle.ts), in a zone without and one with daylight saving time.
 */

const DAY = 86_400;
const GROUPS: Group[] = ['none', 'channel', 'disease', 'department', 'doctor', 'consultant', 'advisory_way'];

describe.each(['Asia/Shanghai', 'America/New_York'])('statistics rollup in %s', (zone) => {
  const other = zone === 'Asia/Shanghai' ? 'America/New_York' : 'Asia/Shanghai';
  const clock = new ClinicClock(zone);
  const at = (year: number, month: number, day: number, hour = 12, minute = 0) =>
    clock.instantOf(year, month, day, hour, minute)!;
  let server: TestServer;
  let admin: string;
  let consultant: { id: number; token: string };
  const ids: Record<string, number> = {};
  let channels: number[];
  let diseases: number[];
  let doctors: number[];
  let department: number;

  const register = async (body: Record<string, unknown>) => {
    const response = await server.http.post(`${STAFF}/patient/`, { json: { token: admin, state: 0, ...body } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return Number(response.body.newPatient.id);
  };
  const patch = async (id: number, body: Record<string, unknown>) => {
    const response = await server.http.patch(`${STAFF}/patient/${id}`, { json: { token: admin, ...body } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  };
  const arrive = async (id: number, reachTime: number, spend: string) => {
    const response = await server.http.post(`${STAFF}/patient/${id}/arrival`, {
      json: { token: admin, reach_time: reachTime, spend },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  };

  const YEAR = () => ({ from: at(2024, 1, 1, 0, 0), to: at(2025, 1, 1, 0, 0) - 1 });
  /** Ends off any day boundary, across both daylight-saving changes of 2024 (New York: 10 March, 3 November). */
  const ODD = () => ({ from: at(2024, 3, 9, 13, 17) + 5, to: at(2024, 11, 3, 1, 30) + 1 });

  async function expectFunnel(query: {
    from: number;
    to: number;
    bucket: 'day' | 'month' | 'year';
    group: Group;
    filters?: FunnelFilters;
    view?: View;
  }) {
    const response = await server.http.get(`${STAFF}/statistics/funnel`, {
      query: {
        token: admin,
        view: query.view,
        from: query.from,
        to: query.to,
        bucket: query.bucket,
        group_by: query.group,
        ...query.filters,
      },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const expected = expectedFunnel(await livePatients(server), clock, query);
    expect(
      answeredFunnel(response.body),
      `${query.view ?? 'cohort'} ${query.bucket} by ${query.group} ${JSON.stringify(query.filters ?? {})}`,
    ).toEqual(expected);
    return response.body.funnel;
  }

  /** Every report shape the rollup serves, and some it leaves to the raw rows, in both views. */
  async function expectAllReports() {
    for (const view of ['cohort', 'activity'] as const) await expectReports(view);
  }

  async function expectReports(view: View) {
    for (const group of GROUPS) await expectFunnel({ ...YEAR(), bucket: 'month', group, view });
    await expectFunnel({ ...YEAR(), bucket: 'year', group: 'none', view });
    for (const group of ['none', 'channel', 'advisory_way'] as const)
      await expectFunnel({ ...ODD(), bucket: 'day', group, view });
    await expectFunnel({ ...ODD(), bucket: 'month', group: 'department', view });
    // Within one clinic day: no whole day at all.
    await expectFunnel({ from: at(2024, 3, 10, 1, 0), to: at(2024, 3, 10, 5, 0), bucket: 'day', group: 'none', view });
    const now = unixNow();
    for (const group of ['none', 'doctor', 'channel'] as const)
      await expectFunnel({ from: now - 40 * DAY, to: now + 40 * DAY, bucket: 'day', group, view });
    const filtered: [FunnelFilters, Group[]][] = [
      [{ media_from_id: channels[0]! }, ['none', 'channel', 'disease']],
      [{ department_id: department }, ['none', 'disease', 'department', 'channel']],
      [{ disease_id: diseases[1]! }, ['department', 'none']],
      [{ advisory_way: '微信' }, ['advisory_way', 'none']],
      [{ doctor_id: doctors[0]! }, ['none', 'doctor']],
    ];
    for (const [filters, groups] of filtered) {
      for (const group of groups) await expectFunnel({ ...ODD(), bucket: 'month', group, filters, view });
    }
  }

  /**
   * The pool list's total for state x channel x add-time range (whole days from the rollup's
   * state_channel rows, part-days from the patients) must be the number of live patients the
   * filters match, ranges off day boundaries and within one day included.
   */
  async function expectListTotals() {
    const patients = await livePatients(server);
    const now = unixNow();
    const ranges = [
      YEAR(),
      ODD(),
      { from: at(2024, 3, 10, 1, 0), to: at(2024, 3, 10, 5, 0) },
      { from: now - 40 * DAY, to: now + 40 * DAY },
      null,
    ];
    for (const range of ranges) {
      for (const state of [undefined, 0, 1, 2]) {
        for (const channel of [undefined, ...channels]) {
          const query = {
            ...(state === undefined ? {} : { state }),
            ...(channel === undefined ? {} : { media_from_id: channel }),
            ...(range ? { add_time_from: range.from, add_time_to: range.to } : {}),
          };
          const response = await server.http.get(`${STAFF}/patient/`, {
            query: { token: admin, page_size: 1, ...query },
          });
          expect(response.status, JSON.stringify(response.body)).toBe(200);
          const expected = patients.filter(
            (patient) =>
              (state === undefined || patient.state === state) &&
              (channel === undefined || patient.media_from_id === channel) &&
              (!range || (patient.add_time >= range.from && patient.add_time <= range.to)),
          ).length;
          expect(response.body.total, JSON.stringify(query)).toBe(expected);
        }
      }
    }
    // By consultant (the author row): a consultant's own unfiltered pool, and each author's as a filter.
    const total = async (token: string, query: Record<string, number> = {}) => {
      const response = await server.http.get(`${STAFF}/patient/`, { query: { token, page_size: 1, ...query } });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.total;
    };
    const authoredBy = (author: number) => patients.filter((patient) => patient.author_id === author).length;
    expect(await total(consultant.token)).toBe(authoredBy(consultant.id));
    expect(authoredBy(consultant.id)).toBeGreaterThan(0);
    for (const author of new Set(
      patients.map((patient) => patient.author_id).filter((id): id is number => id !== null),
    )) {
      expect(await total(admin, { author_id: author }), `author ${author}`).toBe(authoredBy(author));
    }
  }

  beforeAll(async () => {
    server = await startTestServer({ CLINIC_TIMEZONE: zone });
    admin = await staffLogin(server.http);
    channels = await Promise.all(['百度推广', '微信公众号', '抖音'].map((name) => catalogId(server, 'channels', name)));
    diseases = await Promise.all(['痤疮', '湿疹', '月经不调'].map((name) => catalogId(server, 'diseases', name)));
    doctors = await Promise.all(['张明华', '李秀英'].map((name) => catalogId(server, 'doctors', name)));
    department = await catalogId(server, 'departments', '皮肤科');
    consultant = await createStaffUser(
      server,
      zone === 'Asia/Shanghai' ? 'rollup_sh' : 'rollup_ny',
      DEFAULT_ROLE.consultant,
    );

    // Registrations around midnights, month ends and the daylight-saving changes, then a spread over the year.
    ids.beforeSpring = await register({
      name: '春前',
      add_time: at(2024, 3, 9, 23, 30),
      order_time: at(2024, 3, 10, 3, 30),
      media_from_id: channels[0],
      disease_id: diseases[0],
      advisory_way: '电话',
    });
    ids.springNight = await register({
      name: '春夜',
      add_time: at(2024, 3, 10, 0, 15),
      state: 2,
      media_from_id: channels[1],
      disease_id: diseases[1],
      doctor_id: doctors[0],
      advisory_way: '微信',
    });
    ids.autumnTwice = await register({
      name: '秋重',
      add_time: at(2024, 11, 3, 1, 30),
      order_time: at(2024, 11, 4, 9),
      media_from_id: channels[0],
    });
    ids.emptyWay = await register({ name: '空方式', add_time: at(2024, 11, 2, 23, 59), advisory_way: '' });
    ids.monthEnd = await register({
      name: '月末',
      add_time: at(2024, 6, 30, 23, 59) + 59,
      media_from_id: channels[2],
      disease_id: diseases[2],
    });
    ids.monthStart = await register({
      name: '月初',
      add_time: at(2024, 7, 1, 0, 0),
      state: 2,
      media_from_id: channels[2],
    });
    let seed = 7;
    const next = (below: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) % below;
    for (let index = 0; index < 24; index += 1) {
      const addTime = at(2024, 1 + next(12), 1 + next(28), next(24), next(60));
      const pick = <T>(values: T[]) => values[next(values.length)];
      ids[`spread${index}`] = await register({
        name: `散${index}`,
        tel: uniquePhone(),
        add_time: addTime,
        order_time: next(2) === 0 ? addTime + next(20) * DAY + next(DAY) : null,
        state: next(4) === 0 ? 2 : 0,
        media_from_id: pick([...channels, null]),
        disease_id: pick([...diseases, null]),
        doctor_id: pick([...doctors, null]),
        advisory_way: pick(['电话', '微信', 'QQ', null]),
      });
    }

    // Edits of every counted field, one at a time.
    for (const change of [
      { state: 2 },
      { media_from_id: channels[1] },
      { doctor_id: doctors[1] },
      { disease_id: diseases[1] },
    ])
      await patch(ids.beforeSpring!, change);
    for (const change of [{ add_time: at(2024, 4, 1, 0, 30) }, { state: 0 }, { advisory_way: null }])
      await patch(ids.springNight!, change);
    for (const state of [0, 2]) await patch(ids.spread9!, { state });
    await patch(ids.autumnTwice!, { order_time: null });
    await patch(ids.spread0!, { order_time: at(2024, 5, 31, 23, 30), add_time: at(2024, 5, 1, 8) });
    // Arrivals (the first sets reach_time, a return visit only adds spend), then a spend correction.
    await arrive(ids.monthStart!, at(2024, 7, 2, 10), '100.50');
    await arrive(ids.monthStart!, at(2024, 7, 20, 10), '20.00');
    await arrive(ids.spread1!, at(2024, 12, 31, 23, 45), '88.00');
    await arrive(ids.spread2!, at(2024, 12, 31, 23, 50), '1.00');
    await patch(ids.spread1!, { spend: '999.99' });
    await patch(ids.spread3!, { state: 1, reach_time: at(2024, 12, 20, 9) });

    // Recycle bin: deleted, deleted and restored, deleted and purged.
    for (const name of ['spread4', 'spread5', 'spread6']) {
      expect((await server.http.delete(`${STAFF}/patient/${ids[name]}`, { query: { token: admin } })).status).toBe(200);
    }
    expect((await server.http.post(`${STAFF}/patient/${ids.spread5}/restore`, { json: { token: admin } })).status).toBe(
      200,
    );
    expect(
      (await server.http.delete(`${STAFF}/patient/${ids.spread6}/purge`, { query: { token: admin } })).status,
    ).toBe(200);

    // Import: new rows (one arrived), and an update of an existing record's channel and disease.
    const existing = await server.database.db
      .selectFrom('patients')
      .select('tel')
      .where('id', '=', ids.spread7!)
      .executeTakeFirstOrThrow();
    const header = ['姓名', '电话', '登记时间', '预约时间', '到诊时间', '状态', '来源', '病种', '医生', '咨询方式'];
    const csv = csvOf([
      header,
      [
        '导入一',
        uniquePhone(),
        '2024-03-10 01:30',
        '2024-03-11 09:00',
        '',
        '未到',
        '百度推广',
        '痤疮',
        '张明华',
        '微信',
      ],
      ['导入二', uniquePhone(), '2024-11-03 00:30', '', '', '流失', '抖音', '', '', '电话'],
      [
        '导入三',
        uniquePhone(),
        '2024-08-31 23:00',
        '2024-09-01 08:00',
        '2024-09-01 08:30',
        '已到',
        '微信公众号',
        '湿疹',
        '李秀英',
        'QQ',
      ],
      [existing.tel!, existing.tel!, '2024-01-01', '', '', '未到', '抖音', '月经不调', '', ''],
    ]);
    const imported = await uploadImport(
      server,
      admin,
      { content: `\uFEFF${csv}`, name: 'rollup.csv' },
      { mode: 'commit', on_duplicate: 'update' },
    );
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.importReport).toMatchObject({ inserted: 3, updated: 1 });

    // Advisory way renamed in the catalog: renamed on every record in the same transaction.
    const phone = await server.database.db
      .selectFrom('advisory_ways')
      .select('id')
      .where('name', '=', '电话')
      .executeTakeFirstOrThrow();
    expect(
      (await server.http.patch(`${STAFF}/advisory-ways/${phone.id}`, { json: { token: admin, name: '电话咨询' } }))
        .status,
    ).toBe(200);

    // Portal: self-registration (today), a booking (order_time), its session cancelled, a new booking.
    const calendarToday = clock.dateAt(unixNow());
    const doctorId = await createDoctor(server);
    const first = await addSession(server, admin, doctorId, addDays(calendarToday, 3), 'morning', 5);
    await addSession(server, admin, doctorId, addDays(calendarToday, 6), 'afternoon', 5);
    const portal = await registerAndLoginPatient(server.http, uniquePhone(), '门户患者');
    const book = (date: string, period: string) =>
      server.http.post('/patient/appointments', { bearer: portal.token, json: { doctor_id: doctorId, date, period } });
    expect((await book(addDays(calendarToday, 3), 'morning')).status).toBe(201);
    expect(
      (
        await server.http.delete(`${STAFF}/schedule/doctors/${doctorId}/exceptions/${first.exception.id}`, {
          bearer: admin,
        })
      ).status,
    ).toBe(200);
    const cancelled = await server.http.post(`${STAFF}/schedule/doctors/${doctorId}/exceptions`, {
      bearer: admin,
      json: { date: addDays(calendarToday, 3), period: 'morning', kind: 'cancelled', reason: '停诊' },
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(201);
    expect((await book(addDays(calendarToday, 6), 'afternoon')).status).toBe(201);
    const profile = await server.http.patch('/patient/patient_manage', {
      bearer: portal.token,
      json: { phone: portal.phone, name: '门户患者改名' },
    });
    expect(profile.status, JSON.stringify(profile.body)).toBe(200);

    // A consultant's own registrations, one of them then deleted.
    for (const index of [0, 1, 2]) {
      const response = await server.http.post(`${STAFF}/patient/`, {
        json: { token: consultant.token, state: 0, name: `顾问${index}`, add_time: at(2024, 2, 10 + index, 9) },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      ids[`consultant${index}`] = Number(response.body.newPatient.id);
    }
    expect((await server.http.delete(`${STAFF}/patient/${ids.consultant1}`, { query: { token: admin } })).status).toBe(
      200,
    );

    // And writes no route makes: SQL straight into the table, one of them handing a record to the consultant.
    await server.database.db
      .updateTable('patients')
      .set({ state: 2, media_from_id: null })
      .where('id', '=', ids.spread8!)
      .execute();
    await server.database.db
      .updateTable('patients')
      .set({ author_id: consultant.id })
      .where('id', '=', ids.spread10!)
      .execute();
  });
  afterAll(async () => server?.close());

  it('keeps patient_day_counts equal to the patient rows after writes through every path', async () => {
    expect(await storedRollup(server)).toEqual(expectedRollup(await livePatients(server), clock));
  });

  // Before the fold below: on PostgreSQL the totals add the appended changes to the counts.
  it('totals the pool list by state, channel and add time as the patient rows count it', async () => {
    await expectListTotals();
  });

  it('folds the changes PostgreSQL appends into patient_day_counts without changing a sum', async () => {
    const expected = expectedRollup(await livePatients(server), clock);
    if (server.database.dialect === 'postgres') await compactRollup(server.database.db);
    expect(await storedRollup(server, 'patient_day_deltas')).toEqual({});
    expect(await storedRollup(server, 'patient_day_counts')).toEqual(expected);
  });

  it('answers every funnel shape as the patient rows define it, ends off day boundaries included', async () => {
    await expectAllReports();
  });

  it('shows the month and today on the dashboard as the patient rows define them', async () => {
    const response = await server.http.get(`${STAFF}/dashboard`, { query: { token: admin } });
    expect(response.status).toBe(200);
    const period = clock.periodsAround(unixNow());
    const patients = await livePatients(server);
    const sum = (from: number, to: number) =>
      Object.values(
        expectedFunnel(patients, clock, { from, to, bucket: 'year', group: 'none', view: 'activity' }),
      ).reduce(
        (total, cell) => ({
          inquiries: total.inquiries + cell.inquiries,
          appointments: total.appointments + cell.appointments,
          arrivals: total.arrivals + cell.arrivals,
        }),
        { inquiries: 0, appointments: 0, arrivals: 0 },
      );
    expect(response.body.dashboard.month).toEqual(sum(period.monthStart, period.monthEnd));
    expect(response.body.dashboard.today).toEqual(sum(period.dayStart, period.dayEnd));
    expect(response.body.dashboard.month.inquiries).toBeGreaterThan(0);
  });

  it('reads the rollup for whole days (so the comparisons above check it), and a rebuild restores it', async () => {
    const db = server.database.db.withTables<RollupTables>();
    const june = {
      from: at(2024, 6, 1, 0, 0),
      to: at(2024, 7, 1, 0, 0) - 1,
      bucket: 'month' as const,
      group: 'none' as const,
    };
    const before = await expectFunnel(june);
    if (server.database.dialect === 'postgres') await compactRollup(server.database.db);
    // 30 June holds the registration at 23:59:59 of that day.
    const lastOfJune = Math.floor((june.to + clock.offsetAt(june.to)) / DAY);
    const changed = await db
      .updateTable('patient_day_counts')
      .set({ inquiries: 1000 })
      .where('dimension', '=', 'none')
      .where('day', '=', lastOfJune)
      .executeTakeFirst();
    expect(Number(changed.numUpdatedRows)).toBe(1);
    const tampered = await server.http.get(`${STAFF}/statistics/funnel`, {
      query: { token: admin, from: june.from, to: june.to, bucket: 'month', group_by: 'none' },
    });
    expect(tampered.body.funnel.totals.inquiries).toBeGreaterThanOrEqual(1000);
    expect(tampered.body.funnel.totals.inquiries).not.toBe(before.totals.inquiries);
    // The pool list's total reads the same rows: 月末 (state 0, third channel) was added on 30 June.
    const listQuery = {
      token: admin,
      state: 0,
      media_from_id: channels[2]!,
      add_time_from: june.from,
      add_time_to: june.to,
    };
    const listed = await server.http.get(`${STAFF}/patient/`, { query: listQuery });
    const key = `#0#${channels[2]}`;
    const listRow = await db
      .updateTable('patient_day_counts')
      .set({ inquiries: 1000 })
      .where('dimension', '=', 'state_channel')
      .where('day', '=', lastOfJune)
      .where('group_key', '=', key)
      .executeTakeFirst();
    expect(Number(listRow.numUpdatedRows)).toBe(1);
    const tamperedList = await server.http.get(`${STAFF}/patient/`, { query: listQuery });
    expect(tamperedList.body.total).toBeGreaterThanOrEqual(1000);
    expect(listed.body.total).toBeLessThan(1000);
    await db.transaction().execute((trx) => rebuildRollup(trx, zone, unixNow()));
    expect(await storedRollup(server)).toEqual(expectedRollup(await livePatients(server), clock));
    await expectFunnel(june);
    expect((await server.http.get(`${STAFF}/patient/`, { query: listQuery })).body.total).toBe(listed.body.total);
  });

  it('recounts in another time zone when CLINIC_TIMEZONE changes, and answers from the patients meanwhile', async () => {
    const { db, dialect } = server.database;
    expect(await syncRollup(db, dialect, zone)).toBe(false);
    expect(await syncRollup(db, dialect, other)).toBe(true);
    // Writes meanwhile are counted in the zone the table now holds.
    await register({
      name: '换区后',
      add_time: at(2024, 3, 10, 0, 30),
      order_time: at(2024, 11, 3, 0, 30),
      media_from_id: channels[0],
    });
    expect(await storedRollup(server)).toEqual(expectedRollup(await livePatients(server), new ClinicClock(other)));
    // This server's zone no longer matches the table: its answers come from the patient rows, still exact.
    await expectFunnel({ ...YEAR(), bucket: 'month', group: 'channel' });
    await expectFunnel({ ...ODD(), bucket: 'day', group: 'none' });
    await expectListTotals();
    expect(await syncRollup(db, dialect, zone)).toBe(true);
    expect(await storedRollup(server)).toEqual(expectedRollup(await livePatients(server), clock));
    await expectAllReports();
    await expectListTotals();
  });
});

describe('statistics rollup where the calendar ran backwards over midnight (America/St_Johns, 2010)', () => {
  const clock = new ClinicClock('America/St_Johns');
  let server: TestServer;
  let admin: string;
  // 7 November 2010, 00:01 local: clocks went back to 23:01 on the 6th, so the 6th came again after the 7th began.
  const fallBack = Date.UTC(2010, 10, 7, 2, 31) / 1000;

  beforeAll(async () => {
    server = await startTestServer({ CLINIC_TIMEZONE: 'America/St_Johns' });
    admin = await staffLogin(server.http);
    const times = [
      fallBack - 3600,
      fallBack - 30,
      fallBack + 1800,
      fallBack + 5 * 3600,
      clock.instantOf(2024, 5, 5, 10)!,
    ];
    for (const [index, addTime] of times.entries()) {
      const response = await server.http.post(`${STAFF}/patient/`, {
        json: { token: admin, state: 0, name: `患者${index}`, add_time: addTime, order_time: addTime + 10 },
      });
      expect(response.status).toBe(201);
    }
  });
  afterAll(async () => server?.close());

  it('counts each instant in its own clinic day, a range ending inside the repeated hour included', async () => {
    const november = clock.instantOf(2010, 11, 1)!;
    for (const query of [
      { from: november, to: fallBack - 1, bucket: 'day' as const, group: 'none' as const },
      { from: november, to: clock.instantOf(2010, 11, 30)!, bucket: 'day' as const, group: 'none' as const },
      { from: fallBack + 60, to: clock.instantOf(2010, 11, 30)!, bucket: 'day' as const, group: 'none' as const },
      {
        from: clock.instantOf(2024, 1, 1)!,
        to: clock.instantOf(2025, 1, 1)! - 1,
        bucket: 'month' as const,
        group: 'none' as const,
      },
    ]) {
      const response = await server.http.get(`${STAFF}/statistics/funnel`, {
        query: { token: admin, from: query.from, to: query.to, bucket: query.bucket, group_by: query.group },
      });
      expect(response.status).toBe(200);
      expect(answeredFunnel(response.body)).toEqual(expectedFunnel(await livePatients(server), clock, query));
    }
    expect(await storedRollup(server)).toEqual(expectedRollup(await livePatients(server), clock));
  });
});

describe('statistics rollup under concurrent writers', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await staffLogin(server.http);
  });
  afterAll(async () => server?.close());

  it('lets imports in several batches run beside registrations and edits: none fails, the counts stay exact', async () => {
    // Imports write in batches of 500, half of them walking the days forwards, half backwards:
    // writers that locked shared rollup rows would deadlock here.
    const imports = Array.from({ length: 6 }, (_, file) => {
      const lines = [['姓名', '电话', '登记时间', '预约时间', '状态', '来源', '病种']];
      for (let row = 0; row < 1100; row += 1) {
        const offset = Math.floor(row / 500) * 20 + (row % 20);
        const date = new Date(Date.UTC(2024, 0, file % 2 ? 1 + offset : 60 - offset)).toISOString().slice(0, 10);
        const tel = `13${file}${String(row).padStart(8, '0')}`;
        lines.push([
          `并发${file}-${row}`,
          tel,
          `${date} 10:00`,
          row % 2 ? `${date} 15:00` : '',
          row % 5 ? '未到' : '流失',
          ['百度推广', '抖音', '微信公众号'][(row + file) % 3]!,
          ['痤疮', '湿疹'][row % 2]!,
        ]);
      }
      return uploadImport(
        server,
        admin,
        { content: `\uFEFF${csvOf(lines)}`, name: `concurrent-${file}.csv` },
        { mode: 'commit' },
      ).then((response) => response.status);
    });
    const edits = Array.from({ length: 30 }, async (_, index) => {
      const created = await server.http.post(`${STAFF}/patient/`, {
        json: {
          token: admin,
          state: index % 3 === 0 ? 2 : 0,
          name: `并发单${index}`,
          add_time: Date.UTC(2024, 0, 1 + (index % 60)) / 1000,
          media_from_id: 1 + (index % 3),
        },
      });
      if (created.status !== 201) return created.status;
      const edited = await server.http.patch(`${STAFF}/patient/${created.body.newPatient.id}`, {
        json: {
          token: admin,
          media_from_id: 1 + ((index + 1) % 3),
          add_time: Date.UTC(2024, 0, 60 - (index % 60)) / 1000,
        },
      });
      return edited.status;
    });
    expect([...new Set(await Promise.all([...imports, ...edits]))].sort()).toEqual([200]);
    expect(await storedRollup(server)).toEqual(
      expectedRollup(await livePatients(server), new ClinicClock('Asia/Shanghai')),
    );
  });
});
