import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, DEFAULT_ROLE, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { catalogId, createPatient, createRole, recordTestArrival, shanghai } from './support.js';

/*
 * Marketing cost: what a clinic's owner buys the system for. Spend per channel per month is
 * entered or imported by statistics:costs, and for any period the report sets it against the
 * patients it brought: cost per inquiry, appointment and arrival, and revenue / spend.
 */

let server: TestServer;
let admin: string;
let manager: { id: number; token: string };
let frontDesk: { id: number; token: string };
let baidu: number;
let douyin: number;

const MARCH = { from: shanghai(2024, 3, 1, 0, 0), to: shanghai(2024, 4, 1, 0, 0) - 1 };
const fen = (yuan: string) => Math.round(Number(yuan) * 100);
const yuan = (amount: number) => (amount / 100).toFixed(2);

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  manager = await createStaffUser(server, 'cost_manager', DEFAULT_ROLE.manager);
  frontDesk = await createStaffUser(server, 'cost_front', DEFAULT_ROLE.frontDesk);
  baidu = await catalogId(server, 'channels', '百度推广');
  douyin = await catalogId(server, 'channels', '抖音');
  // March's cohort: 百度推广 three (two booked, one of them came and spent 200.00), 抖音 one
  // walk-in (88.88), and one without a channel.
  const came = await createPatient(server, admin, {
    name: '百度一',
    add_time: shanghai(2024, 3, 3),
    order_time: shanghai(2024, 3, 5),
    media_from_id: baidu,
  });
  await recordTestArrival(server, came, shanghai(2024, 3, 5, 10), 20_000);
  await createPatient(server, admin, {
    name: '百度二',
    add_time: shanghai(2024, 3, 20),
    order_time: shanghai(2024, 4, 2),
    media_from_id: baidu,
  });
  await createPatient(server, admin, { name: '百度三', add_time: shanghai(2024, 3, 28), media_from_id: baidu });
  const walkIn = await createPatient(server, admin, {
    name: '抖音一',
    add_time: shanghai(2024, 3, 9),
    media_from_id: douyin,
  });
  await recordTestArrival(server, walkIn, shanghai(2024, 3, 9, 15), 8_888);
  await createPatient(server, admin, { name: '无渠道', add_time: shanghai(2024, 3, 12) });
});
afterAll(async () => server?.close());

const setCosts = (token: string, entries: unknown[]) =>
  server.http.put(`${STAFF}/statistics/costs`, { json: { token, entries } });
const report = (token: string, query: Record<string, string | number>) =>
  server.http.get(`${STAFF}/statistics/costs/report`, { query: { token, ...query } });

describe('PUT and GET statistics/costs', () => {
  it('lets a manager enter spend per channel and month, audited with before and after', async () => {
    const first = await setCosts(manager.token, [
      { channel_id: baidu, month: '2024-02', amount: '2900' },
      { channel_id: baidu, month: '2024-03', amount: '3000' },
      { channel_id: douyin, month: '2024-03', amount: '1000.00' },
    ]);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({ written: 3 });
    const corrected = await setCosts(manager.token, [{ channel_id: baidu, month: '2024-03', amount: '3100' }]);
    expect(corrected.status, corrected.text).toBe(200);
    const listed = await server.http.get(`${STAFF}/statistics/costs`, {
      query: { token: admin, from_month: '2024-01', to_month: '2024-12' },
    });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.costs.map((row: any) => [row.month, row.channelName, row.amount, row.updatedByName])).toEqual([
      ['2024-02', '百度推广', '2900.00', 'cost_manager'],
      ['2024-03', '百度推广', '3100.00', 'cost_manager'],
      ['2024-03', '抖音', '1000.00', 'cost_manager'],
    ]);
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'details'])
      .where('action', '=', 'statistics.costs_set')
      .orderBy('id')
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit[1]!.actor_id).toBe(manager.id);
    expect(JSON.parse(audit[1]!.details!)).toMatchObject({
      count: 1,
      entries: [{ channelId: baidu, month: '2024-03', before: '3000.00', after: '3100.00' }],
    });
  });

  it('refuses roles without statistics:costs, unknown channels, repeated entries and bad months', async () => {
    const denied = await setCosts(frontDesk.token, [{ channel_id: baidu, month: '2024-03', amount: '1' }]);
    expect(denied.status).toBe(403);
    for (const entries of [
      [{ channel_id: 987_654, month: '2024-03', amount: '1' }],
      [
        { channel_id: baidu, month: '2024-05', amount: '1' },
        { channel_id: baidu, month: '2024-05', amount: '2' },
      ],
      [{ channel_id: baidu, month: '2024-13', amount: '1' }],
      [{ channel_id: baidu, month: '2024-05', amount: '-1' }],
      [],
    ]) {
      const refused = await setCosts(admin, entries);
      expect(refused.status, JSON.stringify(entries)).toBe(400);
      expect(refused.body.state_code).toBe(40001);
    }
    const stored = await server.database.db.selectFrom('marketing_costs').select('month').execute();
    expect(stored.map((row) => row.month).sort()).toEqual(['2024-02', '2024-03', '2024-03']);
  });
});

describe('POST statistics/costs/import', () => {
  const importCsv = (csv: string, mode?: string) =>
    server.http.post(`${STAFF}/statistics/costs/import`, { json: { token: manager.token, csv, mode } });

  it('reports every problem in a dry run, writes nothing on a commit with problems, and all of a clean file', async () => {
    const bad = [
      '渠道,月份,金额',
      '不存在的渠道,2024-04,100',
      '抖音,2024-13,100',
      '抖音,2024-04,-5',
      '抖音,2024/4,100',
      '抖音,2024-04,1',
    ];
    const dryRun = await importCsv(bad.join('\n'));
    expect(dryRun.status, dryRun.text).toBe(200);
    expect(dryRun.body.importReport).toMatchObject({ mode: 'dry_run', rows: 5, valid: 1, written: 0 });
    expect(dryRun.body.importReport.problems.map((problem: any) => [problem.row, problem.field])).toEqual([
      [2, 'channel'],
      [3, 'month'],
      [4, 'amount'],
      [6, 'month'],
    ]);
    const refused = await importCsv(bad.join('\n'), 'commit');
    expect(refused.status).toBe(400);
    expect(refused.body.importReport.problems).toHaveLength(4);
    expect(
      await server.database.db.selectFrom('marketing_costs').selectAll().where('month', '=', '2024-04').execute(),
    ).toEqual([]);
    const missingColumn = await importCsv('渠道,金额\n抖音,100');
    expect(missingColumn.body.importReport.problems).toEqual([
      { row: 0, field: 'file', message: expect.stringContaining('月份') },
    ]);

    const clean = '\uFEFF渠道,月份,金额\r\n百度推广,2024-04,"12,000.50"\r\n抖音,2024年4月,¥800\r\n';
    const preview = await importCsv(clean);
    expect(
      preview.body.importReport.entries.map((entry: any) => [entry.channelName, entry.month, entry.amount]),
    ).toEqual([
      ['百度推广', '2024-04', '12000.50'],
      ['抖音', '2024-04', '800.00'],
    ]);
    const committed = await importCsv(clean, 'commit');
    expect(committed.status, committed.text).toBe(200);
    expect(committed.body.importReport).toMatchObject({ valid: 2, written: 2, problems: [] });
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'statistics.costs_import')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toMatchObject({ count: 2 });
    const denied = await server.http.post(`${STAFF}/statistics/costs/import`, {
      json: { token: frontDesk.token, csv: clean, mode: 'commit' },
    });
    expect(denied.status).toBe(403);
  });
});

describe('GET statistics/costs/report', () => {
  it('sets March spend against March cohort: cost figures are spend / counts, roi revenue / spend', async () => {
    const response = await report(manager.token, MARCH);
    expect(response.status, response.text).toBe(200);
    const { rows, totals, ratios } = response.body.costs;
    expect(ratios.map((ratio: any) => `${ratio.name}=${ratio.numerator}/${ratio.denominator}`)).toEqual([
      'costPerInquiry=spend/inquiries',
      'costPerAppointment=spend/appointments',
      'costPerArrival=spend/arrivals',
      'roi=revenue/spend',
    ]);
    const byLabel = Object.fromEntries(rows.map((row: any) => [row.channelLabel, row]));
    expect(byLabel.百度推广).toEqual({
      bucket: null,
      channelId: String(baidu),
      channelLabel: '百度推广',
      spend: '3100.00',
      inquiries: 3,
      appointments: 2,
      arrivals: 1,
      revenue: '200.00',
      costPerInquiry: '1033.33',
      costPerAppointment: '1550.00',
      costPerArrival: '3100.00',
      roi: 0.0645,
    });
    expect(byLabel.抖音).toMatchObject({
      spend: '1000.00',
      inquiries: 1,
      arrivals: 1,
      revenue: '88.88',
      roi: 0.0889,
    });
    expect(byLabel.未填写来源).toMatchObject({ channelId: null, spend: '0.00', inquiries: 1 });
    for (const figures of [...rows, totals]) {
      for (const [name, count] of [
        ['costPerInquiry', figures.inquiries],
        ['costPerAppointment', figures.appointments],
        ['costPerArrival', figures.arrivals],
      ] as const) {
        expect(figures[name], name).toBe(count === 0 ? null : yuan(Math.round(fen(figures.spend) / count)));
      }
      expect(figures.roi).toBe(
        fen(figures.spend) === 0 ? null : Math.round((fen(figures.revenue) / fen(figures.spend)) * 10_000) / 10_000,
      );
    }
    expect(totals).toMatchObject({ spend: '4100.00', inquiries: 5, revenue: '288.88', costPerInquiry: '820.00' });
    // The counts are the cohort funnel's.
    const funnel = await server.http.get(`${STAFF}/statistics/funnel`, {
      query: { token: manager.token, ...MARCH, group_by: 'channel' },
    });
    const baiduFunnel = funnel.body.funnel.groups.find((group: any) => group.groupKey === String(baidu));
    expect([baiduFunnel.inquiries, baiduFunnel.appointments, baiduFunnel.arrivals, baiduFunnel.spend]).toEqual([
      3,
      2,
      1,
      '200.00',
    ]);
  });

  it('counts a month by its days inside the period, per month bucket', async () => {
    const firstHalf = await report(manager.token, { from: MARCH.from, to: shanghai(2024, 3, 15, 23, 59) });
    const byLabel = Object.fromEntries(firstHalf.body.costs.rows.map((row: any) => [row.channelLabel, row.spend]));
    // 15 of March's 31 days: 3100 x 15/31 = 1500, 1000 x 15/31 = 483.87.
    expect(byLabel).toMatchObject({ 百度推广: '1500.00', 抖音: '483.87' });
    const straddling = await report(manager.token, {
      from: shanghai(2024, 2, 15, 0, 0),
      to: shanghai(2024, 3, 15, 12),
      bucket: 'month',
      group_by: 'none',
    });
    expect(straddling.status, straddling.text).toBe(200);
    const byMonth = Object.fromEntries(straddling.body.costs.rows.map((row: any) => [row.bucket, row.spend]));
    // February: 15 of 29 days of 2900; March: 15 of 31 days of 3100 + 1000.
    expect(byMonth).toEqual({ '2024-02': '1500.00', '2024-03': '1983.87' });
    expect(straddling.body.costs.totals.spend).toBe('3483.87');
  });

  it('follows the activity view when asked, and refuses callers who see only their own patients', async () => {
    const activity = await report(manager.token, { ...MARCH, view: 'activity', group_by: 'none' });
    expect(activity.status, activity.text).toBe(200);
    // March's appointments by order_time: 百度一 only (百度二 is booked for April).
    expect(activity.body.costs.totals).toMatchObject({
      inquiries: 5,
      appointments: 1,
      arrivals: 2,
      costPerAppointment: '4100.00',
    });
    await createRole(server, '本人统计员', ['patients', 'patients:view_own', 'statistics', 'statistics:view']);
    const ownOnly = await createStaffUser(server, 'cost_own', '本人统计员');
    const denied = await report(ownOnly.token, MARCH);
    expect(denied.status).toBe(403);
    expect(denied.body.state_code).toBe(48001);
  });
});
