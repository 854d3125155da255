import { STAFF } from '../support/fixtures.js';
import type { TestServer } from '../support/server.js';

export interface UploadResult {
  status: number;
  body: any;
}

/** POST patient/import as a browser form would: multipart with one file and optional fields. */
export async function uploadImport(
  server: TestServer,
  token: string,
  file: { content: Buffer | string; name: string } | null,
  fields: Record<string, string> = {},
  query: Record<string, string> = {},
): Promise<UploadResult> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (file)
    form.append(
      'file',
      new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]),
      file.name,
    );
  const url = new URL(`${STAFF}/patient/import`, server.baseUrl);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** GET patient/export, the raw bytes and headers. */
export async function downloadExport(server: TestServer, token: string, query: Record<string, string | number>) {
  const url = new URL(`${STAFF}/patient/export`, server.baseUrl);
  url.searchParams.set('token', token);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

export const csvOf = (lines: string[][]): string =>
  lines
    .map((cells) => cells.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(','))
    .join('\r\n');
