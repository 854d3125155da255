import { load, type Measurement } from './load.js';
import { measurePeakRss } from './processes.js';
import { inParallel, portalLogin, STAFF } from './scenarios.js';

/*
 * The scenarios that are not "one request, repeated": a full export, an import, the list
 * under a login storm, and the booking burst.
 */
const MB = 1024 * 1024;
const PEAK_RSS_LIMIT = 300 * MB;

export interface WorkflowContext {
  url: string;
  serverPid: number;
  database: string;
  rows: number;
  adminToken: string;
  duration: number;
}

function row(context: WorkflowContext, scenario: string, fields: Partial<Measurement>): Measurement {
  return {
    scenario,
    database: context.database,
    rows: context.rows,
    connections: 1,
    requestsPerSecond: null,
    p50: null,
    p99: null,
    errors: 0,
    ...fields,
  };
}

/** Streams the whole pool out and counts what arrived; memory is the server's peak RSS. */
export async function exportScenario(context: WorkflowContext, format: 'csv' | 'xlsx'): Promise<Measurement> {
  const started = Date.now();
  const { result, peakBytes, startBytes } = await measurePeakRss(context.serverPid, async () => {
    const response = await fetch(`${context.url}${STAFF}/patient/export?token=${context.adminToken}&format=${format}`);
    let bytes = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    return { status: response.status, bytes };
  });
  const seconds = (Date.now() - started) / 1000;
  return row(context, `export ${format} (all rows)`, {
    errors: result.status === 200 ? 0 : 1,
    // (+N): what the export added to the server's RSS when it began (after the load scenarios).
    ratio: `peak RSS ${Math.round(peakBytes / MB)} MB (+${Math.round((peakBytes - startBytes) / MB)})`,
    target: 'RSS < 300 MB',
    met: result.status === 200 && peakBytes < PEAK_RSS_LIMIT,
    note: `${seconds.toFixed(1)} s, ${(result.bytes / MB).toFixed(0)} MB`,
  });
}

/** A CSV of `count` new patients with phones outside the generated prefixes (no duplicates). */
function importFile(count: number): string {
  const lines = ['姓名,电话,登记时间,状态,来源,咨询方式'];
  for (let index = 0; index < count; index += 1) {
    lines.push(`导入${index},170${String(index * 7 + 3).padStart(8, '0')},2024-03-01 09:30:00,未到,百度推广,电话`);
  }
  return `${lines.join('\n')}\n`;
}

export async function importScenario(context: WorkflowContext, count: number): Promise<Measurement> {
  const form = new FormData();
  form.set('mode', 'commit');
  form.set('file', new Blob([importFile(count)], { type: 'text/csv' }), 'patients.csv');
  const started = Date.now();
  const { result, peakBytes, startBytes } = await measurePeakRss(context.serverPid, async () => {
    const response = await fetch(`${context.url}${STAFF}/patient/import?token=${context.adminToken}`, {
      method: 'POST',
      body: form,
    });
    const body = (await response.json()) as { importReport?: { created?: number; imported?: number } };
    return { status: response.status, body };
  });
  const seconds = (Date.now() - started) / 1000;
  return row(context, `import ${count} rows`, {
    errors: result.status === 200 ? 0 : 1,
    ratio: `peak RSS ${Math.round(peakBytes / MB)} MB (+${Math.round((peakBytes - startBytes) / MB)})`,
    target: 'RSS < 300 MB',
    met: result.status === 200 && peakBytes < PEAK_RSS_LIMIT,
    note:
      result.status === 200
        ? `${seconds.toFixed(1)} s, ${Math.round(count / seconds)} rows/s`
        : `HTTP ${result.status}: ${JSON.stringify(result.body).slice(0, 200)}`,
  });
}

/** The list's p99 alone, then while 50 connections log in continuously (argon2 on every one). */
export async function loginStormScenario(
  context: WorkflowContext,
  listPath: string,
  username: string,
  password: string,
): Promise<Measurement[]> {
  const base = { url: context.url, connections: 10, duration: context.duration };
  const alone = await load({ ...base, path: listPath });
  const [during, storm] = await Promise.all([
    load({ ...base, path: listPath }),
    load({
      url: context.url,
      path: `${STAFF}/token/`,
      method: 'POST',
      connections: 50,
      duration: context.duration,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    }),
  ]);
  const ratio = during.p99! / Math.max(1, alone.p99!);
  return [
    row(context, 'list, no storm', { ...alone, connections: 10 }),
    row(context, 'list during login storm', {
      ...during,
      connections: 10,
      ratio: `p99 x${ratio.toFixed(2)}`,
      target: '<= 3x',
      met: ratio <= 3 && during.errors === 0,
    }),
    row(context, 'login storm (POST token/)', { ...storm, connections: 50 }),
  ];
}

/** YYYY-MM-DD in the clinic's calendar, `days` from now. */
function clinicDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

/** Live appointments per (doctor, period) on `date`, and the session counters. */
export type BookingCheck = (
  date: string,
) => Promise<{ doctorId: number; period: string; live: number; counter: number }[]>;

/**
 * `count` patients book at once, spread over 10 sessions of 20 places (5 doctors x morning
 * and afternoon): exactly 200 may succeed, the others get 409, none 5xx.
 */
export async function bookingBurstScenario(
  context: WorkflowContext,
  phones: string[],
  password: string,
  check: BookingCheck,
): Promise<Measurement> {
  const date = clinicDate(3);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const weekday = ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1;
  const doctors = [1, 2, 3, 4, 5];
  const periods = ['morning', 'afternoon'];
  for (const doctor of doctors) {
    for (const period of periods) {
      const response = await fetch(`${context.url}${STAFF}/schedule/doctors/${doctor}/weekly/${weekday}/${period}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: context.adminToken, capacity: 20 }),
      });
      if (response.status !== 200) throw new Error(`weekly session: ${response.status} ${await response.text()}`);
    }
  }
  const tokens = await inParallel(phones, 4, (phone) => portalLogin(context.url, phone, password));
  const started = Date.now();
  const statuses = await Promise.all(
    tokens.map(async (token, index) => {
      const response = await fetch(`${context.url}/patient/appointments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          doctor_id: doctors[index % doctors.length],
          date,
          period: periods[Math.floor(index / doctors.length) % 2],
        }),
      });
      await response.arrayBuffer();
      return response.status;
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const sessions = await check(date);
  const overbooked = sessions.filter((session) => session.live > 20 || session.live !== session.counter);
  const created = statuses.filter((status) => status === 201).length;
  const serverErrors = statuses.filter((status) => status >= 500).length;
  const others = statuses.filter((status) => status !== 201 && status !== 409).length;
  const capacity = doctors.length * periods.length * 20;
  return row(context, `booking burst (${phones.length} at once)`, {
    connections: phones.length,
    requestsPerSecond: Math.round(phones.length / seconds),
    errors: serverErrors + others,
    ratio: `${created}/${capacity} booked, ${overbooked.length} overbooked, ${serverErrors} 5xx`,
    target: '0 overbooked, 0 5xx',
    met: overbooked.length === 0 && serverErrors === 0 && created <= capacity,
    note: `${seconds.toFixed(2)} s`,
  });
}
