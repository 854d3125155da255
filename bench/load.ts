import autocannon from 'autocannon';

/** One measured row of the table. */
export interface Measurement {
  scenario: string;
  database: string;
  rows: number;
  connections: number;
  requestsPerSecond: number | null;
  p50: number | null;
  p99: number | null;
  errors: number;
  /** Ratio vs the target's reference (bare route, small data, no storm) and whether the target holds. */
  ratio?: string;
  target?: string;
  met?: boolean;
  note?: string;
}

export interface LoadOptions {
  url: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  duration: number;
}

/**
 * autocannon through its programmatic API. Errors = transport errors + timeouts + any
 * non-2xx answer: every scenario sends valid requests, so anything else is a failure.
 */
export async function load(
  options: LoadOptions,
): Promise<Pick<Measurement, 'requestsPerSecond' | 'p50' | 'p99' | 'errors'>> {
  const run = (duration: number) =>
    autocannon({
      url: options.url + options.path,
      connections: options.connections,
      duration,
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
      timeout: 30,
    });
  // One unrecorded second first: the first requests of a route run cold (V8 compiles its code,
  // SQLite/PostgreSQL read its pages), and at 10 connections that lands in the p99 the small
  // and large databases are compared by.
  await run(1);
  const result = await run(options.duration);
  return {
    // total / duration: the per-second average reads 0 when few long requests finish in a short run.
    requestsPerSecond: Math.round(result.requests.total / Math.max(1, result.duration)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}
