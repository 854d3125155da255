import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestServer } from '../support/server.js';

/** The first bytes that make a PNG for the upload's type check, then a marker that makes each file distinct. */
export const pngBytes = (marker: string): Buffer =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`IHDR-${marker}`)]);

/** Multipart upload through fetch's own FormData encoding, as a browser would send it. */
export async function uploadAvatar(server: TestServer, token: string, bytes: Buffer = pngBytes(String(Math.random()))) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'me.png');
  const response = await fetch(`${server.baseUrl}/patient/avatar`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return {
    status: response.status,
    body: (await response.json()) as { code: number; msg: string; data: { avatar_url: string } | null },
  };
}

/** Uploads and answers the stored avatar's URL. */
export async function uploadedAvatarUrl(server: TestServer, token: string, bytes?: Buffer): Promise<string> {
  const response = await uploadAvatar(server, token, bytes);
  if (response.status !== 200 || !response.body.data)
    throw new Error(`upload failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.data.avatar_url;
}

export const avatarFolder = (server: TestServer): string => path.join(server.config.dataDir, 'uploads', 'avatars');

export const avatarFileExists = (server: TestServer, url: string): boolean =>
  existsSync(path.join(avatarFolder(server), url.split('/').at(-1)!));

/** What a browser gets for the avatar URL: the status and, when served, the bytes. */
export async function fetchAvatar(
  server: TestServer,
  url: string,
): Promise<{ status: number; bytes: Buffer; cacheControl: string | null }> {
  const response = await fetch(`${server.baseUrl}${url}`);
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    cacheControl: response.headers.get('cache-control'),
  };
}
