import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/composition.js';
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
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';

/*
 * Visit notes (病历, issue 19): written per visit by holders of visits:notes_write, amended into
 * new versions with a reason (the old ones kept), released to the patient's portal, with
 * attachments sniffed by their bytes and served privately. Reached only through the patient
 * scope: a visit out of scope answers like a missing one.
 */

let server: TestServer;
let admin: string;
let adminId: number;
let writerA: { id: number; token: string };
let writerB: { id: number; token: string };
let viewerOnly: { id: number; token: string };
let consultant: { id: number; token: string };
let portal: { token: string; patientId: number };
let otherPortal: { token: string; patientId: number };
let portalVisit: number;
let visitOfA: number;
let diseaseId: number;

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('IHDR fake png body'),
]);
const PDF = Buffer.from('%PDF-1.4\n% a report\n');

async function roleWith(name: string, keys: string[]) {
  const role = await server.database.db
    .insertInto('roles')
    .values({ name, builtin_key: null, created_at: unixNow() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await server.database.db
    .insertInto('role_permissions')
    .values(keys.map((permission_key) => ({ role_id: role.id, permission_key })))
    .execute();
}

async function registerPatient(token: string, name: string) {
  const response = await server.http.post(`${STAFF}/patient/`, {
    bearer: token,
    json: createPatientBody({ name, tel: uniquePhone() }),
  });
  expect(response.status, response.text).toBe(201);
  return Number(response.body.newPatient.id);
}

async function arrive(patientId: number) {
  const response = await server.http.post(`${STAFF}/patient/${patientId}/arrival`, {
    bearer: admin,
    json: { reach_time: unixNow() },
  });
  expect(response.status, response.text).toBe(201);
  return Number(response.body.visit.id);
}

const notesOf = (token: string, visitId: number) =>
  server.http.get(`${STAFF}/visit/${visitId}/notes`, { bearer: token });
const write = (token: string, visitId: number, json: Record<string, unknown>) =>
  server.http.post(`${STAFF}/visit/${visitId}/notes`, { bearer: token, json });
const amend = (token: string, visitId: number, noteId: string, json: Record<string, unknown>) =>
  server.http.post(`${STAFF}/visit/${visitId}/notes/${noteId}/amend`, { bearer: token, json });
const release = (token: string, visitId: number, noteId: string) =>
  server.http.post(`${STAFF}/visit/${visitId}/notes/${noteId}/release`, { bearer: token, json: {} });
const versionsOf = (token: string, visitId: number, noteId: string) =>
  server.http.get(`${STAFF}/visit/${visitId}/notes/${noteId}/versions`, { bearer: token });
const portalNotes = (token: string) => server.http.get('/patient/visit-notes', { bearer: token });

const BOUNDARY = '----carepool-notes-test';
function multipartBody(file: Buffer, fileName = 'report.png', type = 'image/png') {
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}
const upload = (token: string, visitId: number, noteId: string, file: Buffer, fileName?: string, type?: string) =>
  server.http.post(`${STAFF}/visit/${visitId}/notes/${noteId}/attachments`, {
    bearer: token,
    raw: multipartBody(file, fileName, type),
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
  });

async function rowCounts() {
  const db = server.database.db;
  const count = async (table: 'visit_notes' | 'visit_note_versions' | 'visit_note_attachments') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    notes: await count('visit_notes'),
    versions: await count('visit_note_versions'),
    attachments: await count('visit_note_attachments'),
  };
}

async function auditRows(action: string) {
  return server.database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await staffLogin(server.http);
  adminId = (await server.http.get(`${STAFF}/me/`, { bearer: admin })).body.user?.id;
  const notesConsultant = [
    'patients',
    'patients:view_own',
    'patients:create',
    'visits',
    'visits:notes_view',
    'visits:notes_write',
  ];
  await roleWith('病历咨询', notesConsultant);
  await roleWith('病历只读', ['patients', 'patients:view_all', 'visits', 'visits:notes_view']);
  writerA = await createStaffUser(server, 'notes_writer_a', '病历咨询');
  writerB = await createStaffUser(server, 'notes_writer_b', '病历咨询');
  viewerOnly = await createStaffUser(server, 'notes_viewer', '病历只读');
  consultant = await createStaffUser(server, 'notes_plain_consultant', DEFAULT_ROLE.consultant);
  portal = await registerAndLoginPatient(server.http, uniquePhone(), '病历患者');
  otherPortal = await registerAndLoginPatient(server.http, uniquePhone(), '别的患者');
  portalVisit = await arrive(portal.patientId);
  await arrive(otherPortal.patientId);
  visitOfA = await arrive(await registerPatient(writerA.token, '甲的客户'));
  diseaseId = (
    await server.database.db.selectFrom('diseases').select('id').where('is_active', '=', 1).executeTakeFirstOrThrow()
  ).id;
});

afterAll(async () => {
  await server?.close();
});

describe('writing and amending', () => {
  let noteId: string;

  it('writes version 1, signed with the writer and the time, audited in the same transaction', async () => {
    const before = unixNow();
    const response = await write(admin, portalVisit, {
      chief_complaint: '右膝疼痛三天',
      findings: '右膝轻度肿胀',
      diagnosis_disease_id: diseaseId,
      diagnosis_text: '待排除半月板损伤',
      advice: '休息，冰敷',
      follow_up_date: '2030-01-15',
    });
    expect(response.status, response.text).toBe(201);
    const note = response.body.note;
    noteId = note.id;
    expect(note).toMatchObject({
      visitId: String(portalVisit),
      patientId: String(portal.patientId),
      version: 1,
      chiefComplaint: '右膝疼痛三天',
      diagnosis: { diseaseId: String(diseaseId), text: '待排除半月板损伤' },
      followUpDate: '2030-01-15',
      reason: null,
      releasedAt: null,
      attachments: [],
    });
    expect(typeof note.diagnosis.diseaseName).toBe('string');
    expect(note.writtenBy).toBe(String(adminId ?? note.writtenBy));
    expect(Number(note.writtenAt)).toBeGreaterThanOrEqual(before);
    const created = await auditRows('visit_note.create');
    expect(created.at(-1)).toMatchObject({ target_type: 'patient', target_id: String(portal.patientId) });
    expect(JSON.parse(created.at(-1)!.details!)).toMatchObject({ visitId: portalVisit, noteId: Number(noteId) });
  });

  it('amends into version 2 with a reason; both versions stay readable', async () => {
    const response = await amend(admin, portalVisit, noteId, {
      reason: '补充检查结果',
      findings: '右膝轻度肿胀，浮髌试验阴性',
      expected_version: 1,
    });
    expect(response.status, response.text).toBe(201);
    expect(response.body.note).toMatchObject({
      version: 2,
      reason: '补充检查结果',
      findings: '右膝轻度肿胀，浮髌试验阴性',
      chiefComplaint: '右膝疼痛三天',
      followUpDate: '2030-01-15',
    });
    const versions = await versionsOf(admin, portalVisit, noteId);
    expect(versions.status, versions.text).toBe(200);
    expect(versions.body.total).toBe(2);
    expect(versions.body.versions.map((version: { version: number }) => version.version)).toEqual([2, 1]);
    expect(versions.body.versions[1]).toMatchObject({ findings: '右膝轻度肿胀', reason: null });
    const listed = await notesOf(admin, portalVisit);
    expect(listed.body.notes).toHaveLength(1);
    expect(listed.body.notes[0].version).toBe(2);
  });

  it('refuses an amendment without a reason, with a blank one or against a stale version, writing nothing', async () => {
    const counts = await rowCounts();
    const missing = await amend(admin, portalVisit, noteId, { findings: '改' });
    expect(missing.status).toBe(400);
    expect(missing.body.state_code).toEqual(expect.any(Number));
    expect((await amend(admin, portalVisit, noteId, { findings: '改', reason: '   ' })).status).toBe(400);
    const stale = await amend(admin, portalVisit, noteId, { findings: '改', reason: '晚了', expected_version: 1 });
    expect(stale.status, stale.text).toBe(409);
    expect(await rowCounts()).toEqual(counts);
  });

  it('refuses a note with nothing in it, an unknown disease and a clearing that empties everything', async () => {
    const counts = await rowCounts();
    expect((await write(admin, portalVisit, {})).status).toBe(400);
    expect((await write(admin, portalVisit, { chief_complaint: '   ' })).status).toBe(400);
    const disease = await write(admin, portalVisit, { diagnosis_disease_id: 999999 });
    expect(disease.status).toBe(400);
    expect(disease.body.msg).toContain('diagnosis_disease_id');
    const other = await write(admin, portalVisit, { advice: '多喝水' });
    expect(other.status).toBe(201);
    const emptied = await amend(admin, portalVisit, other.body.note.id, { advice: null, reason: '清空' });
    expect(emptied.status).toBe(400);
    expect(await rowCounts()).toEqual({ ...counts, notes: counts.notes + 1, versions: counts.versions + 1 });
  });
});

describe('concurrent amendments', () => {
  it('numbers each one once, with no lost version and no 5xx', async () => {
    const noteId = (await write(admin, portalVisit, { findings: '并发' })).body.note.id;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        amend(admin, portalVisit, noteId, { findings: `并发 ${index}`, reason: `第 ${index} 次` }),
      ),
    );
    for (const answer of answers) expect(answer.status, answer.text).toBe(201);
    const versions = await versionsOf(admin, portalVisit, noteId);
    expect(versions.body.versions.map((version: { version: number }) => version.version)).toEqual([
      7, 6, 5, 4, 3, 2, 1,
    ]);
  });
});

describe('release and the portal', () => {
  let noteId: string;

  it('shows the patient only released notes, latest version, without internal fields', async () => {
    const written = await write(admin, portalVisit, { chief_complaint: '头痛', advice: '按时服药' });
    noteId = written.body.note.id;
    const before = await portalNotes(portal.token);
    expect(before.status, before.text).toBe(200);
    expect(before.body.code).toBe(1);
    expect(before.body.data.notes).toEqual([]);

    const released = await release(admin, portalVisit, noteId);
    expect(released.status, released.text).toBe(200);
    expect(released.body.note.releasedAt).not.toBeNull();
    await amend(admin, portalVisit, noteId, { advice: '按时服药，一周后复诊', reason: '补充医嘱' });

    const after = await portalNotes(portal.token);
    expect(after.body.data.total).toBe(1);
    const note = after.body.data.notes[0];
    expect(note).toMatchObject({
      id: Number(noteId),
      visit_id: portalVisit,
      chief_complaint: '头痛',
      advice: '按时服药，一周后复诊',
    });
    for (const internal of ['reason', 'version', 'writtenBy', 'written_by', 'versions', 'patient_id', 'released_by'])
      expect(note).not.toHaveProperty(internal);
    expect(JSON.stringify(after.body)).not.toContain('补充医嘱');
    expect((await auditRows('portal.visit_notes_read')).length).toBeGreaterThanOrEqual(2);
  });

  it('gives another patient nothing', async () => {
    const other = await portalNotes(otherPortal.token);
    expect(other.status).toBe(200);
    expect(other.body.data.notes).toEqual([]);
  });

  it('releasing twice changes nothing', async () => {
    const first = (await notesOf(admin, portalVisit)).body.notes.find((note: { id: string }) => note.id === noteId);
    const again = await release(admin, portalVisit, noteId);
    expect(again.status).toBe(200);
    expect(again.body.note.releasedAt).toBe(first.releasedAt);
  });
});

describe('scope and permissions', () => {
  let noteOfA: string;

  it("lets the consultant who holds the patient write, and answers another consultant's request like a missing visit", async () => {
    const written = await write(writerA.token, visitOfA, { chief_complaint: '咨询后到诊' });
    expect(written.status, written.text).toBe(201);
    noteOfA = written.body.note.id;
    expect((await notesOf(writerA.token, visitOfA)).status).toBe(200);

    const missing = await notesOf(writerB.token, 987654321);
    const foreign = await notesOf(writerB.token, visitOfA);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    const versions = await versionsOf(writerB.token, visitOfA, noteOfA);
    expect(versions.status).toBe(404);
    expect(versions.body).toEqual(missing.body);
    expect((await write(writerB.token, visitOfA, { advice: '越权' })).status).toBe(404);
    expect((await amend(writerB.token, visitOfA, noteOfA, { advice: '越权', reason: '越权' })).status).toBe(404);
    expect((await release(writerB.token, visitOfA, noteOfA)).status).toBe(404);
    // A note id of another visit is not reached through this one.
    expect((await versionsOf(admin, portalVisit, noteOfA)).status).toBe(404);
  });

  it('answers 403 without the notes permissions, and a view-only role may read but not write', async () => {
    expect((await notesOf(consultant.token, visitOfA)).status).toBe(403);
    expect((await write(consultant.token, visitOfA, { advice: 'x' })).status).toBe(403);
    expect((await notesOf(viewerOnly.token, visitOfA)).status).toBe(200);
    const refused = await write(viewerOnly.token, visitOfA, { advice: 'x' });
    expect(refused.status).toBe(403);
    expect(refused.body.state_code).toBe(48001);
    expect((await amend(viewerOnly.token, visitOfA, noteOfA, { advice: 'x', reason: 'y' })).status).toBe(403);
    expect((await release(viewerOnly.token, visitOfA, noteOfA)).status).toBe(403);
  });

  it('audits every read with the reader and the patient', async () => {
    const reads = await auditRows('visit_note.read');
    const byViewer = reads.filter((row) => row.actor_id === viewerOnly.id);
    expect(byViewer.length).toBeGreaterThanOrEqual(1);
    expect(byViewer[0]).toMatchObject({ actor_type: 'staff', target_type: 'patient', outcome: 'success' });
  });

  it('grants the new permissions to the administrator role', async () => {
    const me = await server.http.get(`${STAFF}/me/`, { bearer: admin });
    expect(me.body.permissions ?? me.body.user?.permissions).toEqual(
      expect.arrayContaining(['visits', 'visits:notes_view', 'visits:notes_write']),
    );
  });
});

describe('attachments', () => {
  let noteId: string;

  beforeAll(async () => {
    noteId = (await write(admin, portalVisit, { findings: '见报告' })).body.note.id;
  });

  it('stores a PNG and serves it to staff in scope, privately', async () => {
    const uploaded = await upload(admin, portalVisit, noteId, PNG, 'evil.html', 'text/html');
    expect(uploaded.status, uploaded.text).toBe(201);
    expect(uploaded.body.attachment).toMatchObject({ contentType: 'image/png', byteSize: PNG.length });
    const url = uploaded.body.attachment.url as string;
    const served = await server.http.get(url, { bearer: admin });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('cache-control')).toContain('private');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await auditRows('visit_note.attachment_read')).length).toBeGreaterThanOrEqual(1);
    expect((await auditRows('visit_note.attachment_upload')).length).toBeGreaterThanOrEqual(1);
    const listed = await notesOf(admin, portalVisit);
    const note = listed.body.notes.find((item: { id: string }) => item.id === noteId);
    expect(note.attachments).toHaveLength(1);

    const bToken = writerB.token;
    const foreign = await server.http.get(url, { bearer: bToken });
    expect(foreign.status).toBe(404);
    expect((await server.http.get(url)).status).toBe(401);
  });

  it('serves a PDF as a download, and to the patient only once the note is released', async () => {
    const uploaded = await upload(admin, portalVisit, noteId, PDF, 'report.pdf', 'application/pdf');
    expect(uploaded.status, uploaded.text).toBe(201);
    const id = uploaded.body.attachment.id;
    const portalUrl = `/patient/visit-note-attachments/${id}`;
    const before = await server.http.get(portalUrl, { bearer: portal.token });
    expect(before.status).toBe(404);
    expect(before.body).toMatchObject({ code: 0, data: null });
    await release(admin, portalVisit, noteId);
    const listed = (await portalNotes(portal.token)).body.data.notes.find(
      (note: { id: number }) => note.id === Number(noteId),
    );
    expect(listed.attachments.map((item: { url: string }) => item.url)).toContain(portalUrl);
    const served = await server.http.get(portalUrl, { bearer: portal.token });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(served.headers.get('cache-control')).toContain('private');
    expect((await server.http.get(portalUrl, { bearer: otherPortal.token })).status).toBe(404);
  });

  it('refuses other types by their bytes, oversize files and non-multipart bodies, storing nothing', async () => {
    const counts = await rowCounts();
    const html = await upload(admin, portalVisit, noteId, Buffer.from('<html><script>alert(1)</script>'), 'x.png');
    expect(html.status).toBe(400);
    expect(html.body.msg).toContain('file');
    const gif = await upload(admin, portalVisit, noteId, Buffer.from('GIF89a....'), 'x.gif', 'image/gif');
    expect(gif.status).toBe(400);
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    expect((await upload(admin, portalVisit, noteId, big)).status).toBe(413);
    const json = await server.http.post(`${STAFF}/visit/${portalVisit}/notes/${noteId}/attachments`, {
      bearer: admin,
      json: { file: 'x' },
    });
    expect(json.status).toBe(415);
    expect((await upload(writerB.token, portalVisit, noteId, PNG)).status).toBe(404);
    expect((await upload(viewerOnly.token, portalVisit, noteId, PNG)).status).toBe(403);
    expect(await rowCounts()).toEqual(counts);
  });
});

describe('hostile input', () => {
  it('answers clear 4xx in the staff envelope and writes nothing', async () => {
    const counts = await rowCounts();
    const cases = [
      server.http.get(`${STAFF}/visit/abc/notes`, { bearer: admin }),
      server.http.get(`${STAFF}/visit/99999999999/notes`, { bearer: admin }),
      server.http.get(`${STAFF}/visit/-1/notes`, { bearer: admin }),
      write(admin, portalVisit, { chief_complaint: 'x'.repeat(2001) }),
      write(admin, portalVisit, { chief_complaint: 'a\u0000b' }),
      write(admin, portalVisit, { chief_complaint: ['数组'] }),
      write(admin, portalVisit, { follow_up_date: '2030-02-30' }),
      write(admin, portalVisit, { follow_up_date: "2030-01-01' or 1=1 --" }),
      write(admin, portalVisit, { diagnosis_disease_id: '1 or 1=1' }),
      server.http.post(`${STAFF}/visit/${portalVisit}/notes`, {
        bearer: admin,
        raw: '{"chief_complaint": ',
        contentType: 'application/json',
      }),
      amend(admin, portalVisit, 'abc', { reason: 'x', advice: 'y' }),
      amend(admin, portalVisit, '1', { reason: 'x'.repeat(501), advice: 'y' }),
    ];
    for (const response of await Promise.all(cases)) {
      expect(response.status, response.text).toBeGreaterThanOrEqual(400);
      expect(response.status, response.text).toBeLessThan(500);
      expect(response.body).toMatchObject({ state_code: expect.any(Number), msg: expect.any(String) });
    }
    const unknownNote = await amend(admin, portalVisit, '987654321', { reason: 'x', advice: 'y' });
    expect(unknownNote.status).toBe(404);
    expect(await rowCounts()).toEqual(counts);
  });

  it('stores hostile text as text and gives it back unchanged', async () => {
    const text = `<script>alert(1)</script>'; drop table visit_notes; --`;
    const written = await write(admin, portalVisit, { findings: text });
    expect(written.status).toBe(201);
    expect(written.body.note.findings).toBe(text);
  });

  it('answers the portal route in its envelope for bad ids and without a token', async () => {
    const bad = await server.http.get('/patient/visit-note-attachments/abc', { bearer: portal.token });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 0, data: null });
    const none = await server.http.get('/patient/visit-notes');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 0, data: null });
  });
});

describe('purging the patient', () => {
  it('removes the notes and versions with the record, and housekeeping deletes the files', async () => {
    const patientId = await registerPatient(admin, '将被彻底删除');
    const visitId = await arrive(patientId);
    const noteId = (await write(admin, visitId, { advice: '删除前' })).body.note.id;
    await amend(admin, visitId, noteId, { advice: '删除前（改）', reason: '测试' });
    const uploaded = await upload(admin, visitId, noteId, PNG);
    expect(uploaded.status, uploaded.text).toBe(201);
    const folder = path.join(server.config.dataDir, 'private', 'visit-notes');
    const filesBefore = await readdir(folder);

    expect((await server.http.delete(`${STAFF}/patient/${patientId}`, { bearer: admin })).status).toBe(200);
    // In the recycle bin the record is out of every scope: its notes answer like missing ones.
    expect((await notesOf(admin, visitId)).status).toBe(404);
    const purged = await server.http.delete(`${STAFF}/patient/${patientId}/purge`, { bearer: admin });
    expect(purged.status, purged.text).toBe(200);
    const db = server.database.db;
    expect(await db.selectFrom('visit_notes').select('id').where('patient_id', '=', patientId).execute()).toEqual([]);
    expect(
      await db.selectFrom('visit_note_versions').select('id').where('note_id', '=', Number(noteId)).execute(),
    ).toEqual([]);
    const orphan = await db
      .selectFrom('visit_note_attachments')
      .select(['note_id'])
      .where('id', '=', Number(uploaded.body.attachment.id))
      .executeTakeFirstOrThrow();
    expect(orphan.note_id).toBeNull();

    const composition = compose(server.config, server.database, TEST_JWT_SECRET, server.app.log);
    expect(await composition.staff.visitNotes.sweepOrphanedAttachments()).toBe(1);
    expect((await readdir(folder)).length).toBe(filesBefore.length - 1);
  });
});
