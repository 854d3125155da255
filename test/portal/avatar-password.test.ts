import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLoginPatient } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('IHDR-and-the-rest'),
]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF-body')]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x10, 0, 0, 0]), Buffer.from('WEBPVP8 data')]);

/** Multipart upload through fetch's own FormData encoding, as a browser would send it. */
async function upload(token: string | undefined, bytes: Buffer, fileName: string, type: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), fileName);
  const response = await fetch(`${server.baseUrl}/patient/avatar`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return {
    status: response.status,
    body: (await response.json()) as { code: number; msg: string; data: { avatar_url: string } | null },
  };
}

describe('POST /patient/avatar', () => {
  it('stores a PNG whatever its name and declared type, serves it back with the right type, and sets avatar_url', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const response = await upload(patient.token, PNG, 'holiday.txt', 'text/plain');
    expect(response.status).toBe(200);
    expect(response.body.code).toBe(1);
    const url = response.body.data!.avatar_url;
    expect(url).toMatch(/^\/uploads\/avatars\/[a-f0-9]{32}\.png$/);
    expect(existsSync(path.join(server.config.dataDir, 'uploads', 'avatars', url.split('/').at(-1)!))).toBe(true);

    const profile = await server.http.get('/patient', { bearer: patient.token });
    expect(profile.body.data.avatar_url).toBe(url);
    const served = await fetch(`${server.baseUrl}${url}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    // A new upload replaces the old file.
    const replaced = await upload(patient.token, JPEG, 'me.jpg', 'image/jpeg');
    expect(replaced.body.data!.avatar_url).toMatch(/\.jpg$/);
    expect((await fetch(`${server.baseUrl}${url}`)).status).toBe(404);
    const jpeg = await fetch(`${server.baseUrl}${replaced.body.data!.avatar_url}`);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');

    const webp = await upload(patient.token, WEBP, 'me.webp', 'image/webp');
    expect(webp.status).toBe(200);
    expect(webp.body.data!.avatar_url).toMatch(/\.webp$/);
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'portal.avatar_upload')
      .where('target_id', '=', String(patient.patientId))
      .execute();
    expect(audit).toHaveLength(3);
  });

  it('refuses content that is not PNG, JPEG or WebP, even named and typed as an image (400)', async () => {
    const patient = await registerAndLoginPatient(server.http);
    for (const [bytes, name, type] of [
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'a.png', 'image/png'],
      [Buffer.from('<html><script>alert(1)</script></html>'), 'a.jpg', 'image/jpeg'],
      [Buffer.from('GIF89a........'), 'a.gif', 'image/gif'],
      [Buffer.alloc(0), 'empty.png', 'image/png'],
    ] as const) {
      const response = await upload(patient.token, bytes, name, type);
      expect(response.status, name).toBe(400);
      expect(response.body).toEqual({ code: 0, msg: '仅支持 PNG、JPEG、WebP 格式的图片', data: null, field: 'file' });
    }
    const profile = await server.http.get('/patient', { bearer: patient.token });
    expect(profile.body.data.avatar_url).toBeNull();
  });

  it('accepts up to 2 MB and refuses more with 413', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const big = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024 - PNG.length, 1)]);
    expect((await upload(patient.token, big, 'big.png', 'image/png')).status).toBe(200);
    const tooBig = await upload(patient.token, Buffer.concat([big, Buffer.from([1])]), 'big.png', 'image/png');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 0, msg: '头像文件不能超过 2 MB', data: null });
  });

  it('needs a token, a multipart body and a file', async () => {
    expect((await upload(undefined, PNG, 'a.png', 'image/png')).status).toBe(401);
    const patient = await registerAndLoginPatient(server.http);
    const json = await server.http.post('/patient/avatar', { bearer: patient.token, json: { avatar: 'x' } });
    expect(json.status).toBe(415);
    const form = new FormData();
    form.append('note', 'no file here');
    const noFile = await fetch(`${server.baseUrl}/patient/avatar`, {
      method: 'POST',
      headers: { authorization: `Bearer ${patient.token}` },
      body: form,
    });
    expect(noFile.status).toBe(400);
    const truncated = await server.http.post('/patient/avatar', {
      bearer: patient.token,
      raw: '--xx\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc',
      contentType: 'multipart/form-data; boundary=xx',
    });
    expect(truncated.status).toBe(400);
    expect(truncated.body.code).toBe(0);
    const noBoundary = await server.http.post('/patient/avatar', {
      bearer: patient.token,
      raw: 'abc',
      contentType: 'multipart/form-data',
    });
    expect(noBoundary.status).toBe(400);
  });

  it('serves only well-formed stored names', async () => {
    for (const name of ['..%2F..%2Fjwt-secret', 'abc.svg', `${'a'.repeat(32)}.png`, `${'a'.repeat(32)}.html`]) {
      const response = await fetch(`${server.baseUrl}/uploads/avatars/${name}`);
      expect(response.status, name).toBe(404);
    }
  });
});

describe('PUT /patient/password', () => {
  it('needs the old password, then revokes the other tokens but keeps the current one', async () => {
    const patient = await registerAndLoginPatient(server.http);
    const other = await server.http.post('/patient/login', {
      json: { phone: patient.phone, password: patient.password },
    });
    const otherToken = other.body.data.token as string;

    const wrong = await server.http.put('/patient/password', {
      bearer: patient.token,
      json: { old_password: 'not-the-password', new_password: 'new-password-1' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 0, msg: '原密码错误', data: null });
    for (const body of [
      { new_password: 'new-password-1' },
      { old_password: patient.password, new_password: 'short' },
      { old_password: patient.password, new_password: 'x'.repeat(129) },
      { old_password: patient.password, new_password: 12345678 },
    ]) {
      expect(
        (await server.http.put('/patient/password', { bearer: patient.token, json: body })).status,
        JSON.stringify(body),
      ).toBe(400);
    }
    expect(
      (
        await server.http.put('/patient/password', {
          json: { old_password: patient.password, new_password: 'new-password-1' },
        })
      ).status,
    ).toBe(401);
    expect((await server.http.get('/patient', { bearer: otherToken })).status).toBe(200);

    const changed = await server.http.put('/patient/password', {
      bearer: patient.token,
      json: { old_password: patient.password, new_password: 'new-password-1' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.code).toBe(1);
    expect((await server.http.get('/patient', { bearer: otherToken })).status).toBe(401);
    expect((await server.http.get('/patient', { bearer: patient.token })).status).toBe(200);
    expect(
      (await server.http.post('/patient/login', { json: { phone: patient.phone, password: patient.password } })).status,
    ).toBe(401);
    expect(
      (await server.http.post('/patient/login', { json: { phone: patient.phone, password: 'new-password-1' } })).status,
    ).toBe(200);

    const audit = await server.database.db
      .selectFrom('audit_log')
      .select(['outcome', 'details'])
      .where('action', '=', 'portal.password_change')
      .where('target_id', '=', String(patient.patientId))
      .orderBy('id')
      .execute();
    expect(audit.map((row) => row.outcome)).toEqual(['failure', 'success']);
    expect(JSON.stringify(audit)).not.toContain('new-password-1');
  });
});
