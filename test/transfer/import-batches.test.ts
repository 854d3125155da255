import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogId } from '../statistics/support.js';
import { staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  clinicTime,
  clinicToday,
  csvUpload,
  exceljsTempFiles,
  FULL_HEADER,
  inlineStringsXlsx,
  visibleCounts,
  xlsxUpload,
} from './import-support.js';
import { uploadImport } from './support.js';

/*
 * Imports are read and written in batches of 500 rows (src/features/patient-transfer): these
 * files are larger than a batch, so duplicates, problems and writes fall on several batches.
 */

let server: TestServer;
let admin: string;
let adminId: number;

const importAudits = async () =>
  server.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'patient.import').orderBy('id').execute();
const patientsNamed = async (prefix: string) =>
  server.database.db.selectFrom('patients').selectAll().where('name', 'like', `${prefix}%`).orderBy('id').execute();
const lineOf = (index: number) => index + 2;

/** Row `index` of a file of `prefix` patients: every column used, in varying combinations. */
function fullRow(
  prefix: string,
  telBase: number,
  index: number,
  date = `2024-0${1 + (index % 9)}-${10 + (index % 18)}`,
): string[] {
  const addTime = `${date} ${String(index % 16).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}:00`;
  const arrived = index % 6 === 0;
  return [
    `${prefix}${index}`,
    index % 10 === 9 ? '' : String(telBase + index),
    ['男', '女', ''][index % 3]!,
    index % 4 === 0 ? '' : String(20 + (index % 50)),
    index % 5 === 0 ? `wx_${index}` : '',
    index % 7 === 0 ? String(100_000 + index) : '',
    addTime,
    index % 3 === 0 ? `${date} 15:00` : '',
    arrived ? `${date} 16:30:00` : '',
    arrived ? '已到' : index % 6 === 1 ? '流失' : '',
    ['百度推广', '微信公众号', '大众点评', ''][index % 4]!,
    ['痤疮', '湿疹', ''][index % 3]!,
    index % 2 === 0 ? '张明华' : '',
    ['微信', '电话', ''][index % 3]!,
    index % 2 === 1 ? `地区${index % 13}` : '',
    // Quotes, commas and a line break inside a field: the CSV is read in 64 KB pieces.
    index % 8 === 0 ? `备注 "引号", 逗号\n第二行 ${index}` : '',
  ];
}

const catalogIds = new Map<string, number>();
const idOf = async (table: 'channels' | 'diseases' | 'doctors', name: string) => {
  if (!catalogIds.has(`${table}:${name}`)) catalogIds.set(`${table}:${name}`, await catalogId(server, table, name));
  return catalogIds.get(`${table}:${name}`)!;
};

/** The record a row must become. */
async function expectedRecord(cells: string[]) {
  const [
    name,
    tel,
    sex,
    age,
    wechat,
    qq,
    addTime,
    orderTime,
    reachTime,
    state,
    channel,
    disease,
    doctor,
    advisoryWay,
    area,
    remarks,
  ] = cells;
  const orNull = (value: string | undefined) => (value === '' || value === undefined ? null : value);
  return {
    name,
    tel: orNull(tel),
    sex: sex === '男' ? 0 : sex === '女' ? 1 : null,
    age: age === '' ? null : Number(age),
    wechat: orNull(wechat),
    qq: orNull(qq),
    add_time: clinicTime(addTime!),
    order_time: orderTime === '' ? null : clinicTime(orderTime!),
    reach_time: reachTime === '' ? null : clinicTime(reachTime!),
    state: state === '已到' ? 1 : state === '流失' ? 2 : 0,
    media_from_id: channel === '' ? null : await idOf('channels', channel!),
    disease_id: disease === '' ? null : await idOf('diseases', disease!),
    doctor_id: doctor === '' ? null : await idOf('doctors', doctor!),
    advisory_way: orNull(advisoryWay),
    area: orNull(area),
    remarks: orNull(remarks),
    advisory_content: null,
    author_id: adminId,
    deleted_at: null,
  };
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  adminId = (
    await server.database.db
      .selectFrom('staff_users')
      .select('id')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => server?.close());

describe('POST patient/import: files of several batches', () => {
  it('writes every row of a 1,200-row file with the right fields', async () => {
    const rows = Array.from({ length: 1200 }, (_, index) => fullRow('批量', 13_910_000_000, index));
    const response = await uploadImport(server, admin, csvUpload(rows), { mode: 'commit' });
    expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(200);
    expect(response.body.importReport).toMatchObject({
      committed: true,
      totalRows: 1200,
      validRows: 1200,
      errorCount: 0,
      inserted: 1200,
      updated: 0,
      skipped: 0,
      duplicates: [],
    });
    const records = await patientsNamed('批量');
    expect(records).toHaveLength(1200);
    const byName = new Map(records.map((record) => [record.name, record]));
    for (const cells of rows) {
      expect(byName.get(cells[0]!), cells[0]).toMatchObject(await expectedRecord(cells));
    }
    // Written in the file's order, one import time for all.
    expect(records.map((record) => record.name)).toEqual(rows.map((cells) => cells[0]));
    expect(new Set(records.map((record) => record.created_at)).size).toBe(1);
  });

  it('writes nothing when only the very last row of a multi-batch file is bad: counts, funnel and dashboard unchanged', async () => {
    const today = clinicToday();
    const rows = Array.from({ length: 1201 }, (_, index) => fullRow('末行', 13_920_000_000, index, today));
    rows[1200]![1] = '1392';
    const before = await visibleCounts(server, admin, '末行');
    const auditsBefore = (await importAudits()).length;
    const response = await uploadImport(server, admin, csvUpload(rows), { mode: 'commit' });
    expect(response.status).toBe(400);
    expect(response.body.state_code).toBe(40001);
    expect(response.body.importReport).toMatchObject({
      committed: false,
      totalRows: 1201,
      validRows: 1200,
      errorCount: 1,
      errors: [{ line: lineOf(1200), field: 'tel' }],
      inserted: 1200,
    });
    expect(await visibleCounts(server, admin, '末行')).toEqual(before);
    expect(before.matches).toBe(0);
    expect(await patientsNamed('末行')).toEqual([]);
    expect(await importAudits()).toHaveLength(auditsBefore);

    // The same file without its bad row goes in whole, and the same screens show it.
    const fixed = await uploadImport(server, admin, csvUpload(rows.slice(0, 1200)), { mode: 'commit' });
    expect(fixed.status, JSON.stringify(fixed.body).slice(0, 500)).toBe(200);
    const after = await visibleCounts(server, admin, '末行');
    expect(after.pool).toBe(before.pool + 1200);
    expect(after.matches).toBe(1200);
    expect(after.funnel.totals.inquiries).toBe(before.funnel.totals.inquiries + 1200);
    expect(after.dashboard.today.inquiries).toBe(before.dashboard.today.inquiries + 1200);
  });

  it('keeps the first valid row of a tel repeated across batches, and reports the repeats', async () => {
    const rows = Array.from({ length: 1200 }, (_, index) => fullRow('文件重复', 13_930_000_000, index));
    const repeated = rows[3]![1]!;
    rows[650]![1] = repeated;
    rows[1190]![1] = repeated;
    // A tel whose first row is invalid: the first valid row (in a later batch) keeps it.
    const late = rows[520]![1]!;
    rows[520]![6] = 'yesterday';
    rows[1000]![1] = late;

    const dryRun = await uploadImport(server, admin, csvUpload(rows), { mode: 'dry_run' });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.importReport).toMatchObject({
      totalRows: 1200,
      validRows: 1199,
      errorCount: 1,
      errors: [{ line: lineOf(520), field: 'add_time' }],
      inserted: 1197,
      skipped: 2,
    });
    expect(dryRun.body.importReport.duplicates).toEqual([
      { line: lineOf(650), tel: repeated, source: 'file', firstLine: lineOf(3), action: 'skip' },
      { line: lineOf(1190), tel: repeated, source: 'file', firstLine: lineOf(3), action: 'skip' },
    ]);

    rows[520]![6] = '2024-05-05';
    const commit = await uploadImport(server, admin, csvUpload(rows), { mode: 'commit' });
    expect(commit.status, JSON.stringify(commit.body).slice(0, 500)).toBe(200);
    expect(commit.body.importReport).toMatchObject({ committed: true, inserted: 1197, skipped: 3 });
    expect(commit.body.importReport.duplicates).toEqual([
      { line: lineOf(650), tel: repeated, source: 'file', firstLine: lineOf(3), action: 'skip' },
      { line: lineOf(1000), tel: late, source: 'file', firstLine: lineOf(520), action: 'skip' },
      { line: lineOf(1190), tel: repeated, source: 'file', firstLine: lineOf(3), action: 'skip' },
    ]);
    const holders = await server.database.db
      .selectFrom('patients')
      .select('name')
      .where('tel', '=', repeated)
      .execute();
    expect(holders).toEqual([{ name: '文件重复3' }]);
    expect(await patientsNamed('文件重复')).toHaveLength(1197);
  });

  it('updates pool records found in different batches with on_duplicate=update (profile fields only)', async () => {
    const pool = Array.from({ length: 3 }, (_, index) => [
      `池中${index}`,
      String(13_940_000_000 + index),
      '女',
      '',
      '',
      '',
      '2024-01-02 10:00',
      '',
      '',
      '流失',
      '大众点评',
      '',
      '',
      '',
      `旧地区${index}`,
      '旧备注',
    ]);
    expect((await uploadImport(server, admin, csvUpload(pool), { mode: 'commit' })).status).toBe(200);
    const existing = await patientsNamed('池中');
    const rows = Array.from({ length: 1200 }, (_, index) => fullRow('池外', 13_950_000_000, index));
    const at = [2, 700, 1199];
    at.forEach((index, n) => {
      rows[index] = [
        `池中新名${n}`,
        String(13_940_000_000 + n),
        '男',
        '33',
        '',
        '',
        '2030-01-01',
        '',
        '',
        '',
        '百度推广',
        '',
        '',
        '',
        '',
        `新备注${n}`,
      ];
    });

    const dryRun = await uploadImport(server, admin, csvUpload(rows), { mode: 'dry_run', on_duplicate: 'update' });
    const commit = await uploadImport(server, admin, csvUpload(rows), { mode: 'commit', on_duplicate: 'update' });
    expect(commit.status, JSON.stringify(commit.body).slice(0, 500)).toBe(200);
    const expectedDuplicates = at.map((index, n) => ({
      line: lineOf(index),
      tel: String(13_940_000_000 + n),
      source: 'database',
      existingId: String(existing[n]!.id),
      action: 'update',
    }));
    for (const report of [dryRun.body.importReport, commit.body.importReport]) {
      expect(report).toMatchObject({ inserted: 1197, updated: 3, skipped: 0, duplicates: expectedDuplicates });
    }
    const updated = await patientsNamed('池中');
    expect(updated).toHaveLength(3);
    updated.forEach((record, n) => {
      expect(record).toMatchObject({
        id: existing[n]!.id,
        name: `池中新名${n}`,
        sex: 0,
        age: 33,
        remarks: `新备注${n}`,
        area: `旧地区${n}`,
        tel: existing[n]!.tel,
        add_time: existing[n]!.add_time,
        state: 2,
      });
    });
    expect(await patientsNamed('池外')).toHaveLength(1197);
    const audit = (await importAudits()).at(-1)!;
    expect(JSON.parse(audit.details!)).toMatchObject({
      inserted: 1197,
      updated: 3,
      updatedIds: existing.map((record) => record.id),
    });
  });

  it('gives the same report for an xlsx of the same rows as for the CSV', async () => {
    const inPool = fullRow('两种格式池中', 13_960_099_999, 0);
    expect((await uploadImport(server, admin, csvUpload([inPool]), { mode: 'commit' })).status).toBe(200);
    const rows = Array.from({ length: 1100 }, (_, index) => fullRow('两种格式', 13_960_000_000, index));
    rows[10]![1] = '12345';
    rows[600]![2] = '未知';
    rows[1050]![1] = rows[5]![1]!;
    rows[1099]![1] = inPool[1]!;
    const fromCsv = await uploadImport(server, admin, csvUpload(rows), { mode: 'dry_run', on_duplicate: 'update' });
    const fromXlsx = await uploadImport(server, admin, await xlsxUpload(rows), {
      mode: 'dry_run',
      on_duplicate: 'update',
    });
    expect(fromCsv.status).toBe(200);
    expect(fromCsv.body.importReport).toMatchObject({ totalRows: 1100, errorCount: 2, skipped: 1, updated: 1 });
    expect(fromXlsx.body).toEqual(fromCsv.body);
  });

  it('reads a CSV whose 64 KB pieces end inside an escaped quote and between CR and LF', async () => {
    const PIECE = 64 * 1024;
    const rowOf = (name: string, remarks: string) =>
      [name, '', '', '', '', '', '2024-01-01', '', '', '', '', '', '', '', '', remarks].join(',');
    const lines = [`\uFEFF${FULL_HEADER.join(',')}`];
    let bytes = Buffer.byteLength(lines[0]!);
    const add = (line: string) => {
      lines.push(line);
      bytes += 2 + Buffer.byteLength(line);
    };
    const fillTo = (limit: number) => {
      while (bytes + 2 + Buffer.byteLength(rowOf(`边界${lines.length}`, '')) < limit)
        add(rowOf(`边界${lines.length}`, ''));
    };
    // The first quote of "" is the last byte of the first piece.
    fillTo(PIECE - 300);
    const quotedAt = bytes + 2 + Buffer.byteLength(rowOf('边界引号', ''));
    const quoted = `${'x'.repeat(PIECE - 2 - quotedAt)}"尾`;
    add(rowOf('边界引号', `"${quoted.replace(/"/g, '""')}"`));
    // The CR of a CRLF is the last byte of the second piece.
    fillTo(2 * PIECE - 300);
    const plain = 'y'.repeat(2 * PIECE - 1 - (bytes + 2 + Buffer.byteLength(rowOf('边界回车', ''))));
    add(rowOf('边界回车', plain));
    expect(bytes).toBe(2 * PIECE - 1);
    add(rowOf('边界末行', '').replace('2024-01-01', 'bad'));
    const content = Buffer.from(lines.join('\r\n'));

    const dryRun = await uploadImport(server, admin, { content, name: 'pieces.csv' }, { mode: 'dry_run' });
    expect(dryRun.body.importReport).toMatchObject({
      totalRows: lines.length - 1,
      errorCount: 1,
      errors: [{ line: lines.length, field: 'add_time' }],
    });
    const commit = await uploadImport(
      server,
      admin,
      { content: Buffer.from(lines.slice(0, -1).join('\r\n')), name: 'pieces.csv' },
      { mode: 'commit' },
    );
    expect(commit.status, JSON.stringify(commit.body).slice(0, 300)).toBe(200);
    const remarks = async (name: string) =>
      (
        await server.database.db
          .selectFrom('patients')
          .select('remarks')
          .where('name', '=', name)
          .executeTakeFirstOrThrow()
      ).remarks;
    expect(await remarks('边界引号')).toBe(quoted);
    expect(await remarks('边界回车')).toBe(plain);
  });

  it('reads an xlsx without shared strings, and leaves no temporary file when it refuses one', async () => {
    const before = exceljsTempFiles();
    const good = await uploadImport(
      server,
      admin,
      await inlineStringsXlsx(FULL_HEADER, [fullRow('内联', 13_970_000_000, 1)]),
      { mode: 'dry_run' },
    );
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect(good.body.importReport).toMatchObject({ totalRows: 1, validRows: 1, inserted: 1 });
    const rows = Array.from({ length: 600 }, (_, index) => [`无表头${index}`, String(13_980_000_000 + index)]);
    const noTimeColumn = await uploadImport(server, admin, await inlineStringsXlsx(['姓名', '电话'], rows), {
      mode: 'dry_run',
    });
    expect(noTimeColumn.status).toBe(400);
    expect(noTimeColumn.body.msg).toContain('登记时间');
    // exceljs deletes its temporary file asynchronously, just after the sheet was read through.
    await expect.poll(exceljsTempFiles, { timeout: 3000 }).toEqual(before);
  });
});
