/**
 * One HTTP call with a deadline, for tests whose server may be dead, restarting or cut off
 * from its database: a refused connection or a timeout is an answer (status 0), not a throw.
 */
export interface CallResult {
  /** HTTP status; 0 when no answer came (connection refused or reset, or the deadline passed). */
  status: number;
  body: any;
  ms: number;
  /** Why there was no answer. */
  error?: string;
}

export interface CallOptions {
  json?: unknown;
  bearer?: string;
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const url = new URL(path, baseUrl);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, String(value));
  const headers: Record<string, string> = { ...options.headers };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, ms: performance.now() - started };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { status: 0, body: undefined, ms: performance.now() - started, error: cause ?? (error as Error).name };
  }
}

/** True for the staff error envelope {state_code, msg} (seed 004). */
export const isStaffErrorEnvelope = (body: unknown): boolean =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as any).state_code === 'number' &&
  typeof (body as any).msg === 'string';

/** True for the portal error envelope {code: 0, msg, data: null} (seed 000). */
export const isPortalErrorEnvelope = (body: unknown): boolean =>
  typeof body === 'object' &&
  body !== null &&
  (body as any).code === 0 &&
  typeof (body as any).msg === 'string' &&
  (body as any).data === null;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Value at quantile q (0..1) of the samples (nearest rank). */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}
