import type { SessionFamily } from '../../src/db/schema.js';
import type { HttpResponse } from '../support/http.js';
import type { TestServer } from '../support/server.js';
import type { FuzzWorld } from './fuzz-world.js';
import type { FuzzRequest, Operation } from './operations.js';

const BOUNDARY = 'fuzzboundary7MA4YWxkTrZu0gW';
const OVER_THE_CAP = 1024 * 1024 + 4096;

const toText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
const entriesOf = (body: unknown): [string, unknown][] =>
  body && typeof body === 'object' && !Array.isArray(body) ? Object.entries(body) : [];

function multipart(body: unknown, file: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of entriesOf(body)) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${key.replace(/["\r\n]/g, '')}"\r\n\r\n${toText(value)}\r\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="fuzz.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  );
  return Buffer.concat(parts);
}

function encodeBody(request: FuzzRequest, operation: Operation): { raw?: string | Buffer; contentType?: string } {
  const { body } = request;
  switch (request.encoding) {
    case 'none':
      return {};
    case 'json':
      return { raw: JSON.stringify(body) ?? 'null', contentType: 'application/json' };
    case 'form': {
      const form = new URLSearchParams();
      for (const [key, value] of entriesOf(body)) {
        for (const item of Array.isArray(value) ? value : [value]) form.append(key, toText(item));
      }
      return { raw: form.toString(), contentType: 'application/x-www-form-urlencoded' };
    }
    case 'text':
      return { raw: toText(body), contentType: 'text/plain' };
    case 'multipart':
      return { raw: multipart(body, request.file), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
    case 'malformed-json':
      return { raw: `{"${toText(body).slice(0, 40)}`, contentType: 'application/json' };
    case 'oversize':
      return {
        raw: JSON.stringify({ ...Object.fromEntries(entriesOf(body)), remarks: 'x'.repeat(OVER_THE_CAP) }),
        contentType: 'application/json',
      };
    case 'near-cap': {
      // Just under the 1 MiB cap, in the first text field the route knows: long text must be refused, not stored or crashed on.
      const textField = Object.entries(operation.body?.schema.properties ?? {}).find(
        ([key, schema]) => key !== 'token' && JSON.stringify(schema.type ?? '').includes('string'),
      )?.[0];
      return {
        raw: JSON.stringify({ ...Object.fromEntries(entriesOf(body)), [textField ?? 'padding']: 'é'.repeat(450_000) }),
        contentType: 'application/json',
      };
    }
  }
}

async function tokenFor(
  request: FuzzRequest,
  operation: Operation,
  world: FuzzWorld,
): Promise<{ bearer?: string; queryToken?: string }> {
  const family: SessionFamily = operation.family === 'portal' ? 'patient' : 'staff';
  switch (request.token.kind) {
    case 'valid':
      return { bearer: await world.validToken(family) };
    case 'cross-family':
      return { bearer: await world.validToken(family === 'staff' ? 'patient' : 'staff') };
    case 'in-query':
      return { queryToken: await world.validToken(family) };
    case 'hostile':
      return { bearer: world.hostileTokens[family][request.token.index] };
    case 'none':
      return {};
  }
}

/** Does this request carry a token the route's family must accept? */
export function carriesValidToken(request: FuzzRequest, operation: Operation): boolean {
  return request.token.kind === 'valid' || (request.token.kind === 'in-query' && operation.family === 'staff');
}

export async function sendFuzzRequest(
  server: TestServer,
  world: FuzzWorld,
  operation: Operation,
  request: FuzzRequest,
  requestId: string,
) {
  const path = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) =>
    encodeURIComponent(request.pathValues[name] ?? ''),
  );
  const { bearer, queryToken } = await tokenFor(request, operation, world);
  const search = new URLSearchParams(request.query);
  if (queryToken) search.set('token', queryToken);
  const url = search.size > 0 ? `${path}?${search.toString()}` : path;
  const encoded = operation.method === 'GET' ? {} : encodeBody(request, operation);
  const response: HttpResponse = await server.http.request(operation.method, url, {
    ...(encoded.raw !== undefined ? { raw: encoded.raw } : {}),
    ...(encoded.contentType ? { contentType: encoded.contentType } : {}),
    ...(bearer ? { bearer } : {}),
    headers: { 'x-request-id': requestId },
  });
  const description = `${operation.method} ${url.slice(0, 300)} token=${request.token.kind} encoding=${request.encoding} body=${toText(request.body).slice(0, 300)}`;
  return { response, description };
}

/** What is wrong with an answer: a 5xx, a broken envelope, or a guard that let a bad token through. */
export function answerProblem(operation: Operation, request: FuzzRequest, response: HttpResponse): string | undefined {
  const got = `${response.status} ${response.text.slice(0, 200)}`;
  if (response.status >= 500) return `server error ${got}`;
  const body = response.body;
  const failed = response.status >= 400;
  // A live stream's success is the stream itself (its frames are tested in test/consultations); the guard still applies below.
  const isStream = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  if (isStream && failed) return `an event stream with an error status: ${got}`;
  if (isStream) return guardProblem(operation, request, response);
  if (operation.family === 'staff') {
    if (failed && !(typeof body?.state_code === 'number' && typeof body?.msg === 'string'))
      return `not the staff error envelope: ${got}`;
    // A download (the export, the import template) says so: an attachment, not JSON.
    const isFile =
      !/json/.test(response.headers.get('content-type') ?? '') &&
      (operation.path.endsWith('/export') || /^attachment/.test(response.headers.get('content-disposition') ?? ''));
    if (!failed && !isFile && response.text !== '' && typeof body !== 'object')
      return `a staff success that is not JSON: ${got}`;
  } else if (failed) {
    if (!(body?.code === 0 && body?.data === null && typeof body?.msg === 'string'))
      return `not the portal error envelope: ${got}`;
  } else if (operation.family === 'portal' && !(body?.code === 1 && typeof body?.msg === 'string' && 'data' in body)) {
    return `not the portal success envelope: ${got}`;
  }
  return guardProblem(operation, request, response);
}

/** A request without a valid token that reached the guard must have been refused there (401). */
function guardProblem(operation: Operation, request: FuzzRequest, response: HttpResponse): string | undefined {
  const got = `${response.status} ${response.text.slice(0, 200)}`;
  const guarded = operation.access !== undefined && operation.access !== 'public';
  // Parsers answer before the guard (415, 413, malformed JSON): only plainly encoded requests must meet it.
  // The JSON parser refuses __proto__ and constructor keys (prototype poisoning) before routing too.
  const poisoned = /"(__proto__|constructor)"/.test(JSON.stringify(request.body) ?? '');
  // A path parameter over the router's maxParamLength (200) is refused before any route is chosen.
  const routable = Object.values(request.pathValues).every((value) => encodeURIComponent(value).length <= 200);
  const reachesGuard =
    routable &&
    ((request.encoding === 'json' && !poisoned) ||
      request.encoding === 'none' ||
      (request.encoding === 'form' && operation.family === 'staff'));
  if (guarded && reachesGuard && !carriesValidToken(request, operation) && response.status !== 401)
    return `a request without a valid token got past the guard: ${got}`;
  return undefined;
}
