import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { migrateTo } from '../../src/db/migrations/index.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { registerVerifiedPatient } from '../support/verified-patient.js';
import { avatarFileExists, avatarFolder, fetchAvatar, pngBytes, uploadedAvatarUrl } from './avatar-support.js';

/*
 * A clinic upgrading to 0013 already has avatars: each /uploads/avatars/ URL on a record is that
 * patient's, except where the attack of issue 14 (item 4) already happened and two records name
 * one file; then the audit log of the upload says whose it is.
 */

const NOW = Math.floor(Date.now() / 1000);
const fileName = (marker: string) => `${marker.repeat(32).slice(0, 32)}.png`;
const OWN = fileName('a');
const VICTIMS = fileName('b');
const IN_BIN = fileName('c');
const PHONES = {
  attacker: '13700000001',
  own: '13700000002',
  victim: '13700000003',
  inBin: '13700000004',
  external: '13700000005',
};

async function fillAsRelease0012(database: DatabaseHandle): Promise<void> {
  const { db, dialect } = database;
  await migrateTo(db, dialect, '0012_keyword_gram_lists');
  const insert = async (tel: string, avatarUrl: string | null, deletedAt: number | null = null) => {
    const row = await db
      .insertInto('patients')
      .values({
        name: `升级${tel.slice(-1)}`,
        tel,
        add_time: NOW,
        state: 0,
        avatar_url: avatarUrl,
        deleted_at: deletedAt,
        created_at: NOW,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  // The attacker's record is the older one and already names the victim's file.
  await insert(PHONES.attacker, `/uploads/avatars/${VICTIMS}`);
  await insert(PHONES.own, `/uploads/avatars/${OWN}`);
  const victim = await insert(PHONES.victim, `/uploads/avatars/${VICTIMS}`);
  await insert(PHONES.inBin, `/uploads/avatars/${IN_BIN}`, NOW);
  await insert(PHONES.external, 'https://old.example/me.png');
  await db
    .insertInto('audit_log')
    .values({
      occurred_at: NOW * 1000,
      actor_type: 'patient',
      actor_id: victim,
      actor_label: null,
      action: 'portal.avatar_upload',
      target_type: 'patient',
      target_id: String(victim),
      outcome: 'success',
      ip: null,
      user_agent: null,
      request_id: null,
      details: JSON.stringify({ file: VICTIMS, bytes: 100, type: 'png' }),
    })
    .execute();
}

describe('upgrading to 0013 (avatar files and who they belong to)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { beforeMigrations: fillAsRelease0012 });
    // The files the older release stored (the migration reads only the database).
    mkdirSync(avatarFolder(server), { recursive: true });
    for (const name of [OWN, VICTIMS, IN_BIN]) writeFileSync(path.join(avatarFolder(server), name), pngBytes(name));
  });
  afterAll(async () => server?.close());

  // Proving the phone: a registration without a code would get a record of its own (docs/portal-identity.md).
  const login = (phone: string) => registerVerifiedPatient(server, phone);

  it('keeps serving the avatars records had, the recycle bin included', async () => {
    for (const name of [OWN, VICTIMS, IN_BIN])
      expect((await fetchAvatar(server, `/uploads/avatars/${name}`)).status, name).toBe(200);
  });

  it('gives each patient the file their record named, and a shared file to its uploader', async () => {
    const rows = await server.database.db
      .selectFrom('avatar_files as f')
      .innerJoin('patients as p', 'p.id', 'f.patient_id')
      .select(['f.file_name', 'p.tel'])
      .orderBy('f.file_name')
      .execute();
    expect(rows).toEqual([
      { file_name: OWN, tel: PHONES.own },
      { file_name: VICTIMS, tel: PHONES.victim },
      { file_name: IN_BIN, tel: PHONES.inBin },
    ]);
  });

  it("lets the attacker's upload delete nothing of the victim's", async () => {
    const attacker = await login(PHONES.attacker);
    const url = await uploadedAvatarUrl(server, attacker.token);
    expect((await fetchAvatar(server, url)).status).toBe(200);
    expect(avatarFileExists(server, `/uploads/avatars/${VICTIMS}`)).toBe(true);
    expect((await fetchAvatar(server, `/uploads/avatars/${VICTIMS}`)).status).toBe(200);
  });

  it('lets an owner resend their avatar and replace it, deleting the old file', async () => {
    const owner = await login(PHONES.own);
    const resent = await server.http.put('/patient/patient_manage', {
      bearer: owner.token,
      json: { phone: owner.phone, name: '升级2', avatar_url: `/uploads/avatars/${OWN}` },
    });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    await uploadedAvatarUrl(server, owner.token);
    expect(avatarFileExists(server, `/uploads/avatars/${OWN}`)).toBe(false);
  });

  it('keeps an external URL stored before, which its patient may resend unchanged', async () => {
    const patient = await login(PHONES.external);
    const profile = await server.http.get('/patient', { bearer: patient.token });
    expect(profile.body.data.avatar_url).toBe('https://old.example/me.png');
    const resent = await server.http.put('/patient/patient_manage', {
      bearer: patient.token,
      json: { ...profile.body.data, name: '改名' },
    });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
  });
});
