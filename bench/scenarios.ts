import type { GeneratedManifest } from './generate.js';

/*
 * The request-per-second scenarios: each is one HTTP request autocannon repeats with
 * 10 connections. `scaled` ones are also run on the small database, since their target is
 * "p99 at N rows no more than 2x its p99 at the small size".
 */
export const STAFF = '/back_end/api/v1';
const DAY = 86_400;

export interface HttpScenario {
  name: string;
  path: string;
  headers?: Record<string, string>;
  /** Compared with the bare route's requests/s (at least this share). */
  versusBaseline?: number;
  /** Compared with the same scenario on the small database (p99 at most this multiple). */
  scaled?: number;
  /** Absolute p99 ceiling in milliseconds. */
  p99Under?: number;
  /** A list or search that must find patients: an empty answer (a missing index, a wrong filter) is fast but wrong. */
  mustFind?: boolean;
}

export interface Tokens {
  admin: string;
  consultant: string;
  patient: string;
}

const query = (parameters: Record<string, string | number>): string =>
  Object.entries(parameters)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&');

/** The list query the login storm reads too. */
export function listPath(manifest: GeneratedManifest, token: string): string {
  return `${STAFF}/patient/?${query({ token, state: 0, media_from_id: 1, add_time_from: manifest.until - 90 * DAY, add_time_to: manifest.until, sort: 'add_time', order: 'desc', page: 1, page_size: 20 })}`;
}

export function httpScenarios(manifest: GeneratedManifest, tokens: Tokens): HttpScenario[] {
  const search = (keyword: string) =>
    `${STAFF}/patient/?${query({ token: tokens.admin, keyword, page: 1, page_size: 20 })}`;
  const found = { mustFind: true } as const;
  /** A year by month and channel, the statistics page's default report. */
  const statistics = (report: string, extra: Record<string, string>) =>
    `${STAFF}/statistics/${report}?${query({ token: tokens.admin, from: manifest.until - 365 * DAY, to: manifest.until - 1, bucket: 'month', group_by: 'channel', ...extra })}`;
  return [
    {
      name: 'portal GET /patient',
      path: '/patient/',
      headers: { authorization: `Bearer ${tokens.patient}` },
      versusBaseline: 0.5,
    },
    { name: 'staff GET menu/', path: `${STAFF}/menu/?token=${tokens.admin}`, versusBaseline: 0.5 },
    { name: 'list: state+channel+90 days', path: listPath(manifest, tokens.admin), scaled: 2, ...found },
    { name: 'search: full phone', path: search(manifest.search.fullPhone), scaled: 2, ...found },
    { name: 'search: partial phone', path: search(manifest.search.partialPhone), scaled: 2, ...found },
    { name: 'search: name fragment', path: search(manifest.search.nameFragment), scaled: 2, ...found },
    {
      name: 'consultant-scoped list',
      path: `${STAFF}/patient/?${query({ token: tokens.consultant, page: 1, page_size: 20 })}`,
      scaled: 2,
      ...found,
    },
    {
      name: 'statistics: cohort year by month x channel',
      path: statistics('funnel', { view: 'cohort' }),
      p99Under: 300,
    },
    {
      name: 'statistics: activity year by month x channel',
      path: statistics('funnel', { view: 'activity' }),
      p99Under: 300,
    },
    {
      name: 'statistics: cost report year by month x channel',
      path: statistics('costs/report', {}),
      p99Under: 300,
    },
    {
      name: 'worklist: follow-ups due (busy consultant)',
      path: `${STAFF}/worklists/follow-ups?${query({ token: tokens.consultant, due: 'due', page_size: 50 })}`,
      scaled: 2,
    },
    {
      name: 'worklist: front desk today',
      path: `${STAFF}/worklists/front-desk?${query({ token: tokens.admin })}`,
      scaled: 2,
    },
    { name: 'dashboard', path: `${STAFF}/dashboard?token=${tokens.admin}`, p99Under: 50 },
  ];
}

export async function staffLogin(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}${STAFF}/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`staff login ${username}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export async function portalLogin(url: string, phone: string, password: string): Promise<string> {
  const response = await fetch(`${url}/patient/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, password }),
  });
  if (response.status !== 200) throw new Error(`portal login ${phone}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { data: { token: string } }).data.token;
}

/** The patients a list path finds (its `total`), to refuse timing an empty answer. */
export async function totalFound(url: string, path: string): Promise<number> {
  const response = await fetch(`${url}${path}`);
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return Number(((await response.json()) as { total: number }).total);
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function inParallel<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}
