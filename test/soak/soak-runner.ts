import { readFileSync } from 'node:fs';
import { type CallResult, call, quantile, sleep } from '../faults/support/client.js';
import {
  bookMorning,
  doctorWithSession,
  loginPatient,
  registeredPatientToken,
  STAFF,
  staffToken,
} from '../faults/support/clinic.js';

/**
 * A bounded soak against a running server: staff loops (list, search, detail, create,
 * follow-up) and portal loops (log in, profile, book, list, cancel) at once, every answer
 * checked against the one status a healthy server gives, latencies kept, and the server's
 * resident memory sampled every few seconds. Used by test/soak and `npm run soak`.
 */
export interface SoakOptions {
  baseUrl: string;
  /** Process id of the server, to sample its RSS from /proc (Linux); undefined = no memory figures. */
  serverPid: number | undefined;
  durationMs: number;
  staffLoops?: number;
  portalLoops?: number;
  rssEveryMs?: number;
}

export interface SoakReport {
  durationMs: number;
  requests: number;
  /** Answers other than the expected one, e.g. "staff list: 500 {...}" (at most 20 kept). */
  errors: string[];
  errorCount: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** [elapsed ms, RSS MB] every rssEveryMs. */
  rss: [number, number][];
  /** Median RSS of the first and last third of the samples taken after warm-up (first 25 %). */
  rssFirstThirdMb: number;
  /** Highest RSS of that first third: the top of the garbage collector's saw-tooth. */
  rssFirstThirdPeakMb: number;
  rssLastThirdMb: number;
}

function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const median = (values: number[]): number => quantile(values, 0.5);

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { baseUrl } = options;
  const admin = await staffToken(baseUrl);
  // Sessions far enough ahead that cancelling stays allowed (cutoff: the day before).
  const sessions = [await doctorWithSession(baseUrl, admin, 5, 500), await doctorWithSession(baseUrl, admin, 6, 500)];
  const knownPatients: number[] = [];
  const latencies: number[] = [];
  const errors: string[] = [];
  let errorCount = 0;
  const started = Date.now();
  const deadline = started + options.durationMs;

  /** Records one answer; true when it is the expected status. */
  const expectAnswer = (what: string, result: CallResult, status: number): boolean => {
    latencies.push(result.ms);
    if (result.status === status) return true;
    errorCount += 1;
    if (errors.length < 20)
      errors.push(`${what}: ${result.status} ${JSON.stringify(result.body ?? result.error).slice(0, 200)}`);
    return false;
  };

  const staffLoop = async (loop: number) => {
    let step = 0;
    while (Date.now() < deadline) {
      step += 1;
      const kind = step % 6;
      if (kind === 0 || knownPatients.length < 5) {
        const created = await call(baseUrl, 'POST', `${STAFF}/patient/`, {
          bearer: admin,
          json: {
            name: `浸泡客户${loop}-${step}`,
            add_time: Math.floor(Date.now() / 1000) - 60,
            state: 0,
            advisory_way: '电话',
            remarks: '浸泡测试',
          },
        });
        if (expectAnswer('staff create', created, 201)) knownPatients.push(Number(created.body.newPatient.id));
        continue;
      }
      const patientId = knownPatients[Math.floor(Math.random() * knownPatients.length)]!;
      if (kind === 1)
        expectAnswer(
          'staff list',
          await call(baseUrl, 'GET', `${STAFF}/patient/`, {
            bearer: admin,
            query: { page: 1 + (step % 3), page_size: 20 },
          }),
          200,
        );
      else if (kind === 2)
        expectAnswer(
          'staff search',
          await call(baseUrl, 'GET', `${STAFF}/patient/`, { bearer: admin, query: { keyword: `浸泡客户${loop}` } }),
          200,
        );
      else if (kind === 3)
        expectAnswer(
          'staff detail',
          await call(baseUrl, 'GET', `${STAFF}/patient/${patientId}`, { bearer: admin }),
          200,
        );
      else if (kind === 4) {
        const body = { contact_time: Math.floor(Date.now() / 1000) - 5, way: '电话', content: '浸泡回访' };
        expectAnswer(
          'staff follow-up',
          await call(baseUrl, 'POST', `${STAFF}/patient/${patientId}/follow-ups`, { bearer: admin, json: body }),
          201,
        );
      } else
        expectAnswer(
          'staff timeline',
          await call(baseUrl, 'GET', `${STAFF}/patient/${patientId}/follow-ups`, { bearer: admin }),
          200,
        );
    }
  };

  // Each portal loop owns its patient, so whether it holds a booking is known exactly.
  const portalLoop = async (loop: number) => {
    const patient = await registeredPatientToken(baseUrl);
    const session = sessions[loop % sessions.length]!;
    let token = patient.token;
    let booking: number | undefined;
    let step = 0;
    while (Date.now() < deadline) {
      step += 1;
      if (step % 8 === 0) {
        const login = await loginPatient(baseUrl, patient.phone, patient.password);
        if (expectAnswer('portal login', login, 200)) token = login.body.data.token;
      } else if (step % 4 === 1) {
        expectAnswer('portal profile', await call(baseUrl, 'GET', '/patient/', { bearer: token }), 200);
      } else if (step % 4 === 2) {
        expectAnswer(
          'portal appointments',
          await call(baseUrl, 'GET', '/patient/appointments', { bearer: token }),
          200,
        );
      } else if (booking === undefined) {
        const booked = await bookMorning(baseUrl, token, session.doctorId, session.date);
        if (expectAnswer('portal book', booked, 201)) booking = booked.body.data.id;
      } else {
        if (
          expectAnswer(
            'portal cancel',
            await call(baseUrl, 'POST', `/patient/appointments/${booking}/cancel`, { bearer: token }),
            200,
          )
        )
          booking = undefined;
      }
    }
  };

  const rss: [number, number][] = [];
  const sampler = (async () => {
    while (Date.now() < deadline) {
      const mb = rssMb(options.serverPid);
      if (mb !== undefined) rss.push([Date.now() - started, mb]);
      await sleep(options.rssEveryMs ?? 2000);
    }
  })();

  await Promise.all([
    ...Array.from({ length: options.staffLoops ?? 3 }, (_, loop) => staffLoop(loop)),
    ...Array.from({ length: options.portalLoops ?? 3 }, (_, loop) => portalLoop(loop)),
    sampler,
  ]);

  const afterWarmUp = rss.filter(([elapsed]) => elapsed >= options.durationMs * 0.25).map(([, mb]) => mb);
  const third = Math.max(1, Math.floor(afterWarmUp.length / 3));
  return {
    durationMs: Date.now() - started,
    requests: latencies.length,
    errors,
    errorCount,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: Math.max(...latencies),
    rss,
    rssFirstThirdMb: median(afterWarmUp.slice(0, third)),
    rssFirstThirdPeakMb: Math.max(...afterWarmUp.slice(0, third)),
    rssLastThirdMb: median(afterWarmUp.slice(-third)),
  };
}

export function describeSoak(report: SoakReport, label: string): string {
  const seconds = report.durationMs / 1000;
  return (
    `[soak] ${label}: ${seconds.toFixed(0)} s, ${report.requests} requests (${(report.requests / seconds).toFixed(0)}/s), ${report.errorCount} errors, ` +
    `p50 ${report.p50Ms.toFixed(1)} ms, p99 ${report.p99Ms.toFixed(1)} ms, max ${report.maxMs.toFixed(0)} ms; ` +
    `server RSS after warm-up: first third ${report.rssFirstThirdMb.toFixed(1)} MB (peak ${report.rssFirstThirdPeakMb.toFixed(1)}) -> last third ${report.rssLastThirdMb.toFixed(1)} MB ` +
    `(${report.rssLastThirdMb - report.rssFirstThirdMb >= 0 ? '+' : ''}${(report.rssLastThirdMb - report.rssFirstThirdMb).toFixed(1)} MB over ${report.rss.length} samples)`
  );
}
