import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { COMPILED_SERVER, startServer } from './processes.js';

/*
 * How fast the web UI's first screens are in a real browser: Debian's Chromium drives the real compiled
 * server (a temporary SQLite database filled through the HTTP API: doctors with sessions, a portal
 * patient, 24 pool patients) with an empty cache per load, once unthrottled ("local") and once on
 * Slow 4G (CDP Network.emulateNetworkConditions: 1.6 Mbps down, 750 Kbps up, 150 ms round trip).
 * Phones are 375 px wide, the back office 1440 px.
 *
 * Per page: requests, KB transferred (bytes on the wire as the browser counts them, headers included,
 * brotli where the server sent brotli) up to "interactive" and in all, LCP, CLS (the sum of layout shifts
 * without recent input, the stricter reading) and "interactive".
 *
 * "Interactive", plainly: the page's main control (named per page below: the sign-in button, the
 * doctors' booking buttons, the pool's 20th row...) is in the document, visible and not disabled, AND
 * every request that started before that moment has finished (the network is quiet for what the screen
 * asked for). Milliseconds from navigation start, as Resource Timing reports them.
 *
 *   npm run bench:web [-- --quick]      (builds the server and the web UI when missing or stale)
 *   npm run bench -- --only web         (the same inside the suite)
 */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADMIN = { username: 'bench_admin', password: 'bench-admin-password-1' };
const PATIENT = { phone: '13900001234', password: 'bench-patient-1', name: '陈晓雨' };
const POOL_PATIENTS = 24;
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1440, height: 900 };
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

interface Ready {
  /** CSS selector of the page's main control. */
  selector: string;
  /** Only elements whose text matches (a RegExp source). */
  text?: string;
  /** How many such elements must be there (the pool's 20 rows). */
  count?: number;
}

interface Targets {
  lcpMs?: number;
  kbBeforeInteractive?: number;
  interactiveMs?: number;
  cls: number;
}

interface PageSpec {
  name: string;
  path: string;
  viewport: { width: number; height: number };
  signedIn?: 'patient' | 'staff';
  ready: Ready;
  /** Targets on Slow 4G (cold cache). */
  slow: Targets;
  /** Targets unthrottled; `warm` adds a reload with the cache filled by the first load. */
  local: Targets & { warm?: boolean };
}

const PORTAL_SLOW: Targets = { lcpMs: 1500, kbBeforeInteractive: 250, cls: 0.1 };
const PAGES: PageSpec[] = [
  {
    name: 'portal home',
    path: '/',
    viewport: PHONE,
    ready: { selector: 'main button', text: '登\\s*录' },
    slow: PORTAL_SLOW,
    local: { cls: 0.1 },
  },
  {
    name: 'portal login',
    path: '/login',
    viewport: PHONE,
    ready: { selector: 'form button[type=submit]' },
    slow: PORTAL_SLOW,
    local: { cls: 0.1 },
  },
  {
    name: 'portal doctors',
    path: '/doctors',
    viewport: PHONE,
    ready: { selector: '.portal-card button' },
    slow: PORTAL_SLOW,
    local: { cls: 0.1 },
  },
  {
    name: 'portal profile (signed in)',
    path: '/profile',
    viewport: PHONE,
    signedIn: 'patient',
    ready: { selector: 'button', text: '编辑资料' },
    slow: PORTAL_SLOW,
    local: { cls: 0.1 },
  },
  {
    name: 'back office sign-in',
    path: '/admin/login',
    viewport: DESKTOP,
    ready: { selector: 'form button[type=submit]' },
    slow: { lcpMs: 2500, cls: 0.1 },
    local: { cls: 0.1 },
  },
  {
    name: 'pool, 20 rows (signed in)',
    path: '/admin/patients',
    viewport: DESKTOP,
    signedIn: 'staff',
    ready: { selector: '.ant-table-tbody tr.ant-table-row', count: 20 },
    slow: { interactiveMs: 3500, cls: 0.1 },
    local: { interactiveMs: 400, cls: 0.1, warm: true },
  },
];

export interface WebMeasurement {
  page: string;
  network: string;
  requests: number;
  requestsBeforeInteractive: number;
  kbBeforeInteractive: number;
  kbTotal: number;
  lcpMs: number;
  /** The last LCP entry's element (tag, first words, area), for the log. */
  lcpElement: string;
  cls: number;
  interactiveMs: number;
  target: string;
  met?: boolean;
}

type Network = 'local' | 'local, warm cache' | 'Slow 4G';

interface Session {
  staffToken: string;
  patientToken: string;
}

async function api(base: string, method: string, url: string, body?: unknown, token?: string) {
  const response = await fetch(base + url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json().catch(() => null)) as Record<string, any> | null;
  if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(json)}`);
  return json!;
}

/** Fills the clinic through the HTTP API, as staff and a patient would. */
async function seed(base: string): Promise<Session> {
  const staff = '/back_end/api/v1';
  const staffToken = (await api(base, 'POST', `${staff}/token`, ADMIN)).token as string;
  const departments = (await api(base, 'GET', '/patient/departments')).data as { id: number }[];
  const doctors = [
    ['王建国', '主任医师', '慢性胃炎、消化道溃疡'],
    ['李秀英', '副主任医师', '糖尿病、甲状腺疾病'],
    ['张伟', '主治医师', '高血压、冠心病'],
    ['刘芳', '主任医师', '儿童哮喘、过敏性鼻炎'],
  ];
  for (const [index, [name, title, specialty]] of doctors.entries()) {
    const department = departments[index % departments.length]!.id;
    const created = await api(
      base,
      'POST',
      `${staff}/doctors`,
      { name, department_id: department, title, specialty },
      staffToken,
    );
    for (const weekday of [1, 2, 3, 4, 5, 6])
      await api(
        base,
        'PUT',
        `${staff}/schedule/doctors/${created.doctor.id}/weekly/${weekday}/morning`,
        { capacity: 10 },
        staffToken,
      );
  }
  const now = Math.floor(Date.now() / 1000);
  const surnames = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张';
  for (let index = 0; index < POOL_PATIENTS; index += 1) {
    await api(
      base,
      'POST',
      `${staff}/patient`,
      {
        name: `${surnames[index % surnames.length]}${'明华丽强'[index % 4]}`,
        sex: index % 2,
        age: 20 + index,
        tel: `1380000${String(1000 + index).padStart(4, '0')}`,
        add_time: now - index * 3600,
        state: 0,
        remarks: '复诊咨询',
      },
      staffToken,
    );
  }
  await api(base, 'POST', '/patient/register', PATIENT);
  const login = await api(base, 'POST', '/patient/login', { phone: PATIENT.phone, password: PATIENT.password });
  return { staffToken, patientToken: login.data.token as string };
}

/** Runs in the page before its own scripts: collects LCP and layout shifts as they happen. */
function observePaint(): void {
  const perf = { lcp: 0, cls: 0, lcpElement: '' };
  (window as unknown as { __benchPerf: typeof perf }).__benchPerf = perf;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { element: Element | null; size: number })[]) {
      perf.lcp = entry.startTime;
      // Which element it was (the log line shows it): a tag, its first words and its area in px².
      const text = (entry.element?.textContent ?? '').trim().slice(0, 16);
      perf.lcpElement = `${entry.element?.tagName.toLowerCase() ?? 'removed'} "${text}" ${entry.size}`;
    }
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[])
      if (!entry.hadRecentInput) perf.cls += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
}

/** The moment (performance.now()) the main control is usable, or false while it is not. */
function controlReady(ready: Ready): number | false {
  const matching = [...document.querySelectorAll<HTMLElement>(ready.selector)].filter(
    (element) =>
      (ready.text === undefined || new RegExp(ready.text).test(element.textContent ?? '')) &&
      element.getClientRects().length > 0 &&
      !(element as HTMLButtonElement).disabled,
  );
  return matching.length >= (ready.count ?? 1) ? performance.now() : false;
}

/** After the control is there and the network went idle: what was loaded, and when. */
function collect(controlAt: number) {
  const perf = (window as unknown as { __benchPerf: { lcp: number; cls: number; lcpElement: string } }).__benchPerf;
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  const entries = [navigation, ...(performance.getEntriesByType('resource') as PerformanceResourceTiming[])];
  // Interactive: the control is usable and nothing started before it is still loading.
  const interactive = Math.max(
    controlAt,
    ...entries.filter((entry) => entry.startTime <= controlAt).map((entry) => entry.responseEnd),
  );
  // No named helper functions in here: tsx would wrap them in a __name() the page does not have.
  const before = entries.filter((entry) => entry.responseEnd <= interactive);
  return {
    requests: entries.length,
    requestsBefore: before.length,
    bytesBefore: before.reduce((sum, entry) => sum + entry.transferSize, 0),
    bytesTotal: entries.reduce((sum, entry) => sum + entry.transferSize, 0),
    lcp: perf.lcp,
    lcpElement: perf.lcpElement,
    cls: perf.cls,
    interactive,
  };
}

type Sample = ReturnType<typeof collect>;

async function openContext(browser: Browser, spec: PageSpec, session: Session): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: spec.viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await context.addInitScript(observePaint);
  if (spec.signedIn === 'patient')
    await context.addInitScript(
      ([token, name]) => {
        localStorage.setItem('carepool.portal.token', token!);
        localStorage.setItem('carepool.portal.name', name!);
      },
      [session.patientToken, PATIENT.name],
    );
  if (spec.signedIn === 'staff')
    await context.addInitScript(
      ([token, username]) => {
        localStorage.setItem('carepool.staff.token', token!);
        localStorage.setItem('carepool.staff.username', username!);
      },
      [session.staffToken, ADMIN.username],
    );
  return context;
}

/** One load in a fresh context (empty cache); `warm` loads once unmeasured first, then measures a reload. */
async function measureOnce(
  browser: Browser,
  baseUrl: string,
  spec: PageSpec,
  session: Session,
  throttle: boolean,
  warm: boolean,
): Promise<Sample> {
  const context = await openContext(browser, spec, session);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    if (throttle) await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    const load = async () => {
      const handle = await page.waitForFunction(controlReady, spec.ready, { polling: 'raf', timeout: 90_000 });
      const controlAt = (await handle.jsonValue()) as number;
      await page.waitForLoadState('networkidle');
      return (await page.evaluate(collect, controlAt)) as Sample;
    };
    await page.goto(baseUrl + spec.path, { waitUntil: 'commit' });
    const first = await load();
    if (!warm) return first;
    await page.reload({ waitUntil: 'commit' });
    return await load();
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function judge(sample: Sample, targets: Targets): { target: string; met?: boolean } {
  const parts: string[] = [];
  let met = true;
  const kb = sample.bytesBefore / 1024;
  if (targets.lcpMs !== undefined) {
    parts.push(`LCP <= ${(targets.lcpMs / 1000).toFixed(1)} s`);
    // No LCP entry at all (seen once under heavy load) is no pass.
    met &&= sample.lcp > 0 && sample.lcp <= targets.lcpMs;
  }
  if (targets.kbBeforeInteractive !== undefined) {
    parts.push(`<= ${targets.kbBeforeInteractive} KB`);
    met &&= kb <= targets.kbBeforeInteractive;
  }
  if (targets.interactiveMs !== undefined) {
    parts.push(
      `interactive <= ${targets.interactiveMs >= 1000 ? `${targets.interactiveMs / 1000} s` : `${targets.interactiveMs} ms`}`,
    );
    met &&= sample.interactive <= targets.interactiveMs;
  }
  parts.push(`CLS <= ${targets.cls}`);
  met &&= sample.cls <= targets.cls;
  return { target: parts.join(', '), met };
}

async function seriesFor(
  browser: Browser,
  baseUrl: string,
  spec: PageSpec,
  session: Session,
  runs: number,
  network: Network,
): Promise<WebMeasurement> {
  const samples: Sample[] = [];
  for (let run = 0; run < runs; run += 1)
    samples.push(
      await measureOnce(browser, baseUrl, spec, session, network === 'Slow 4G', network === 'local, warm cache'),
    );
  // The median of each figure on its own (runs vary by a few percent on a loaded machine).
  const sample: Sample = {
    requests: median(samples.map((item) => item.requests)),
    requestsBefore: median(samples.map((item) => item.requestsBefore)),
    bytesBefore: median(samples.map((item) => item.bytesBefore)),
    bytesTotal: median(samples.map((item) => item.bytesTotal)),
    lcp: median(samples.map((item) => item.lcp)),
    lcpElement: samples[samples.length - 1]!.lcpElement,
    cls: median(samples.map((item) => item.cls)),
    interactive: median(samples.map((item) => item.interactive)),
  };
  const targets =
    network === 'Slow 4G'
      ? spec.slow
      : network === 'local'
        ? { cls: spec.local.cls, ...(spec.local.warm ? {} : { interactiveMs: spec.local.interactiveMs }) }
        : spec.local;
  return {
    page: spec.name,
    network,
    requests: sample.requests,
    requestsBeforeInteractive: sample.requestsBefore,
    kbBeforeInteractive: sample.bytesBefore / 1024,
    kbTotal: sample.bytesTotal / 1024,
    lcpMs: sample.lcp,
    lcpElement: sample.lcpElement,
    cls: sample.cls,
    interactiveMs: sample.interactive,
    ...judge(sample, targets),
  };
}

export function renderWebTable(rows: WebMeasurement[]): string {
  const header = [
    'page',
    'network',
    'requests (before interactive)',
    'KB before interactive',
    'KB total',
    'LCP',
    'CLS',
    'interactive',
    'target',
    'ok',
  ];
  const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
  const lines = rows.map((row) => [
    row.page,
    row.network,
    `${row.requests} (${row.requestsBeforeInteractive})`,
    row.kbBeforeInteractive.toFixed(0),
    row.kbTotal.toFixed(0),
    row.lcpMs > 0 ? seconds(row.lcpMs) : 'none',
    row.cls.toFixed(3),
    seconds(row.interactiveMs),
    row.target,
    row.met === undefined ? '' : row.met ? 'yes' : 'MISS',
  ]);
  return [header, header.map(() => '---'), ...lines].map((columns) => `| ${columns.join(' | ')} |`).join('\n');
}

/** Builds the server and the web UI when either is missing or older than its sources (as `npm start` does). */
export function ensureBuilt(): void {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts/ensure-build.mjs')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('building the server or the web UI failed');
}

/** The whole browser benchmark: one row per page and network. `quick` measures each once, otherwise the median of 3. */
export async function runWebBench(options: {
  quick: boolean;
  log?: (line: string) => void;
}): Promise<WebMeasurement[]> {
  const log = options.log ?? ((line: string) => console.log(`[bench:web] ${line}`));
  ensureBuilt();
  const runs = options.quick ? 1 : 3;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'carepool-bench-web-'));
  const server = await startServer(
    COMPILED_SERVER,
    {
      DATABASE_URL: `sqlite:${path.join(dataDir, 'carepool.db')}`,
      DATA_DIR: dataDir,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      NOTIFY_WORKER: 'off',
      RATE_LIMIT_PER_MINUTE: '0',
    },
    '/healthz',
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const session = await seed(server.url);
    const rows: WebMeasurement[] = [];
    for (const spec of PAGES) {
      const networks: Network[] = ['local', ...(spec.local.warm ? (['local, warm cache'] as const) : []), 'Slow 4G'];
      for (const network of networks) {
        const row = await seriesFor(browser, server.url, spec, session, runs, network);
        log(
          `${row.page}, ${row.network}: ${row.requests} requests, ${row.kbBeforeInteractive.toFixed(0)} KB, ` +
            `LCP ${Math.round(row.lcpMs)} ms (${row.lcpElement}), CLS ${row.cls.toFixed(3)}, interactive ${Math.round(row.interactiveMs)} ms`,
        );
        rows.push(row);
      }
    }
    return rows;
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await runWebBench({ quick: process.argv.includes('--quick') });
  console.log(`\n${renderWebTable(rows)}\n`);
  if (rows.some((row) => row.met === false)) console.log('Some targets were missed (ok column).');
}
