import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLoginPatient, STAFF, staffLogin } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  avatarFileExists,
  avatarFolder,
  fetchAvatar,
  pngBytes,
  uploadAvatar,
  uploadedAvatarUrl,
} from './avatar-support.js';

/*
 * Issue 14, item 4: a patient may point avatar_url only at a file the server stored for that
 * patient (or clear it, or resend the value it already has); replacing an avatar deletes only
 * the caller's own previous file. External URLs are refused.
 */

let server: TestServer;
let staffToken: string;
beforeAll(async () => {
  server = await startTestServer();
  staffToken = await staffLogin(server.http);
});
afterAll(async () => server?.close());

async function profileOf(token: string) {
  const response = await server.http.get('/patient', { bearer: token });
  expect(response.status).toBe(200);
  return response.body.data as Record<string, unknown>;
}

async function editAvatar(
  method: 'PUT' | 'PATCH',
  patient: { token: string; phone: string },
  avatarUrl: unknown,
  name = '头像测试',
) {
  return server.http.request(method, '/patient/patient_manage', {
    bearer: patient.token,
    json: { phone: patient.phone, name, avatar_url: avatarUrl },
  });
}

describe("another patient's avatar file", () => {
  it('cannot be set as mine (400 naming avatar_url, nothing changed), and my upload never deletes it', async () => {
    const victim = await registerAndLoginPatient(server.http, undefined, '受害者');
    const victimBytes = pngBytes('victim');
    const victimUrl = await uploadedAvatarUrl(server, victim.token, victimBytes);
    const attacker = await registerAndLoginPatient(server.http, undefined, '攻击者');
    const attackerUrl = await uploadedAvatarUrl(server, attacker.token);

    for (const method of ['PUT', 'PATCH'] as const) {
      const response = await editAvatar(method, attacker, victimUrl, '改了名字');
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body).toMatchObject({ code: 0, data: null, field: 'avatar_url' });
      expect(response.body.msg).toContain('avatar_url');
    }
    expect(await profileOf(attacker.token)).toMatchObject({ name: '攻击者', avatar_url: attackerUrl });

    // The attack's second step: an upload replaces the attacker's own avatar, and only that.
    const newUrl = await uploadedAvatarUrl(server, attacker.token);
    expect(avatarFileExists(server, attackerUrl)).toBe(false);
    expect(await fetchAvatar(server, newUrl)).toMatchObject({ status: 200 });
    const served = await fetchAvatar(server, victimUrl);
    expect(served.status).toBe(200);
    expect(served.bytes.equals(victimBytes)).toBe(true);
    // A patient's photo: the browser may keep it, no shared cache (a proxy would go on serving it after a purge).
    expect(served.cacheControl).toMatch(/^private\b/);
    expect(await profileOf(victim.token)).toMatchObject({ avatar_url: victimUrl });
  });

  it('answers a name the server never stored exactly as a name stored for someone else', async () => {
    const owner = await registerAndLoginPatient(server.http);
    const ownersUrl = await uploadedAvatarUrl(server, owner.token);
    const patient = await registerAndLoginPatient(server.http);
    const taken = await editAvatar('PUT', patient, ownersUrl);
    const unknown = await editAvatar('PUT', patient, `/uploads/avatars/${'0'.repeat(32)}.png`);
    const malformedName = await editAvatar('PUT', patient, '/uploads/avatars/abc.png');
    expect(taken.status).toBe(400);
    expect(unknown.body).toEqual(taken.body);
    expect(malformedName.body).toEqual(taken.body);
  });
});

describe('my own avatar', () => {
  it('is replaced by an upload: the old file is deleted, the new one served', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const first = await uploadedAvatarUrl(server, patient.token);
    expect(avatarFileExists(server, first)).toBe(true);
    const second = await uploadedAvatarUrl(server, patient.token);
    expect(second).not.toBe(first);
    expect(avatarFileExists(server, first)).toBe(false);
    expect((await fetchAvatar(server, first)).status).toBe(404);
    expect((await fetchAvatar(server, second)).status).toBe(200);
    expect(await profileOf(patient.token)).toMatchObject({ avatar_url: second });
  });

  it('can be resent unchanged with the rest of the profile', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const url = await uploadedAvatarUrl(server, patient.token);
    for (const method of ['PUT', 'PATCH'] as const) {
      const response = await editAvatar(method, patient, url, `${method}名`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.data).toMatchObject({ name: `${method}名`, avatar_url: url });
    }
    expect((await fetchAvatar(server, url)).status).toBe(200);
  });

  it.each([null, ''])('is cleared by %j: the profile shows none and the file is deleted', async (cleared) => {
    const patient = await registerAndLoginPatient(server.http);
    const url = await uploadedAvatarUrl(server, patient.token);
    const response = await editAvatar('PUT', patient, cleared);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.data.avatar_url).toBeNull();
    expect(await profileOf(patient.token)).toMatchObject({ avatar_url: null });
    expect(avatarFileExists(server, url)).toBe(false);
    expect((await fetchAvatar(server, url)).status).toBe(404);
    // And a later upload works as the first one did.
    const again = await uploadedAvatarUrl(server, patient.token);
    expect((await fetchAvatar(server, again)).status).toBe(200);
  });

  it('keeps exactly one stored file when uploads of one patient race each other', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const uploads = await Promise.all(
      Array.from({ length: 6 }, (_, index) => uploadAvatar(server, patient.token, pngBytes(`race-${index}`))),
    );
    expect(uploads.map((upload) => upload.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const urls = uploads.map((upload) => upload.body.data!.avatar_url);
    const current = (await profileOf(patient.token)).avatar_url as string;
    expect(urls).toContain(current);
    expect(urls.filter((url) => avatarFileExists(server, url))).toEqual([current]);
    expect((await fetchAvatar(server, current)).status).toBe(200);
  });
});

describe('external avatar URLs', () => {
  it.each([
    'https://tracker.example/pixel.gif',
    'http://tracker.example/pixel.gif',
    'https://tracker.example/uploads/avatars/0123456789abcdef0123456789abcdef.png',
  ])('are refused on write with 400 naming avatar_url: %s', async (external) => {
    const patient = await registerAndLoginPatient(server.http, undefined, '原名');
    const url = await uploadedAvatarUrl(server, patient.token);
    for (const method of ['PUT', 'PATCH'] as const) {
      const response = await editAvatar(method, patient, external, '改名');
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body).toMatchObject({ code: 0, data: null, field: 'avatar_url' });
      expect(response.body.msg).toContain('avatar_url');
    }
    expect(await profileOf(patient.token)).toMatchObject({ name: '原名', avatar_url: url });
  });

  it('stored before this release may be resent unchanged, but not replaced by another', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const legacy = 'https://old.example/me.png';
    await server.database.db
      .updateTable('patients')
      .set({ avatar_url: legacy })
      .where('id', '=', patient.patientId)
      .execute();
    const resent = await editAvatar('PUT', patient, legacy);
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    const other = await editAvatar('PUT', patient, 'https://old.example/other.png');
    expect(other.status).toBe(400);
    // An upload replaces it; the server deletes nothing it did not store.
    const url = await uploadedAvatarUrl(server, patient.token);
    expect(await profileOf(patient.token)).toMatchObject({ avatar_url: url });
  });

  it('are not loaded by the web pages: the CSP allows images from this server and data: only', async () => {
    for (const path of ['/', '/patient', '/portal/']) {
      const response = await fetch(`${server.baseUrl}${path}`);
      const policy = response.headers.get('content-security-policy') ?? '';
      const imgSrc = policy
        .split(';')
        .map((part) => part.trim())
        .find((part) => part.startsWith('img-src'));
      expect(imgSrc, path).toBe("img-src 'self' data:");
    }
  });
});

describe('purging a patient from the recycle bin', () => {
  it('succeeds with an avatar, stops serving the file at once and removes it from disk', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const url = await uploadedAvatarUrl(server, patient.token);
    expect(
      (await server.http.delete(`${STAFF}/patient/${patient.patientId}`, { json: { token: staffToken } })).status,
    ).toBe(200);
    // In the bin the record, avatar included, can still be restored.
    expect((await fetchAvatar(server, url)).status).toBe(200);
    const purged = await server.http.delete(`${STAFF}/patient/${patient.patientId}/purge`, {
      query: { token: staffToken },
    });
    expect(purged.status, JSON.stringify(purged.body)).toBe(200);
    expect((await fetchAvatar(server, url)).status).toBe(404);

    // The file goes with the next avatar change anyone makes.
    const someone = await registerAndLoginPatient(server.http);
    await uploadedAvatarUrl(server, someone.token);
    expect(avatarFileExists(server, url)).toBe(false);
    expect(readdirSync(avatarFolder(server))).not.toContain(url.split('/').at(-1));
  });
});
