import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/**
 * Typed clients for the two API families. Paths, parameters and bodies are checked
 * against web/api/schema.d.ts, generated from the server's OpenAPI description.
 */
export type ApiPaths = paths;

type TokenSource = () => string | null;

function bearer(tokenSource: TokenSource): Middleware {
  return {
    onRequest({ request }) {
      const token = tokenSource();
      if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  };
}

/** One typed client of both families (the paths tell them apart), sending the session's token. */
export function createApiClient(tokenSource: TokenSource) {
  const client = createClient<paths>({ baseUrl: '' });
  client.use(bearer(tokenSource));
  return client;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The message to show for an error body of either family. */
export function errorMessage(body: unknown, fallback: string): string {
  if (body && typeof body === 'object' && 'msg' in body && typeof (body as { msg: unknown }).msg === 'string') {
    return (body as { msg: string }).msg;
  }
  return fallback;
}

export function staffStateCode(body: unknown): number | undefined {
  return body && typeof body === 'object' && 'state_code' in body
    ? Number((body as { state_code: unknown }).state_code)
    : undefined;
}
