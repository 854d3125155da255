import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations/index.js';
import { addDays, ClinicCalendar } from '../src/domain/clinic-time/clinic-calendar.js';
import { ensureFirstAdministrator } from '../src/features/staff-users/bootstrap.js';
import { type EventStreamClient, openEventStream } from '../test/consultations/event-stream-client.js';
import { freshDatabase } from './fresh-database.js';
import type { Measurement } from './load.js';
import { renderTable } from './report.js';

/*
 * npm run bench:consultations [-- --quick] [-- --db sqlite|postgres]
 * 问诊's live delivery with two instances of the app on one database: every patient and the doctor
 * hold an event stream on instance B; messages are written through instance A. Measured per
 * message, from the POST's start to its arrival on the stream: patient → doctor (each message on
 * the doctor's stream on B and, for comparison, on a doctor stream on A, the writing instance),
 * then doctor → each patient (on B). Also checked: every stream got exactly its own party's
 * messages (a stray is a failure, not a figure).
 */
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    db: { type: 'string' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const quick = args.quick!;
const PATIENTS = quick ? 20 : 100;
const MESSAGES = quick ? 200 : 2_000;
const CONCURRENCY = 8;
const SECRET = 'bench-consultations-secret-0123456789-0123456789';
const databases = args.db ? [args.db] : ['sqlite', 'postgres'];
const log = (line: string) => console.log(`[bench:consultations] ${line}`);

interface Instance {
  app: FastifyInstance;
  database: DatabaseHandle;
  baseUrl: string;
}

async function startInstance(url: string, dataDir: string): Promise<Instance> {
  const config = loadConfig({
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    JWT_SECRET: SECRET,
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: 'admin-password-1',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    NOTIFY_WORKER: 'off',
    CONSULTATION_NOTICE_AFTER_SECONDS: '0',
  });
  const database = openDatabase(url);
  const app = await buildApp({ config, database, jwtSecret: SECRET, logger: false });
  await ensureFirstAdministrator(database.db, config, app.log);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { app, database, baseUrl: `http://127.0.0.1:${address.port}` };
}

async function call(baseUrl: string, method: string, path: string, bearer: string | null, json?: unknown) {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const body = await response.json();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

const quantile = (samples: number[], q: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};

/** Sends each message and times its arrival on the streams that should get it. */
async function timeDelivery(
  messages: { send: () => Promise<unknown>; text: string; streams: EventStreamClient[] }[],
): Promise<{ latencies: number[][]; seconds: number; missing: number }> {
  const latencies: number[][] = [[], []];
  let missing = 0;
  const started = performance.now();
  await pool(messages, CONCURRENCY, async (message) => {
    const sentAt = performance.now();
    const arrivals = message.streams.map((stream) =>
      stream.next((event) => event.data.message?.text === message.text, 30_000).then(() => performance.now() - sentAt),
    );
    await message.send();
    const results = await Promise.allSettled(arrivals);
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') latencies[index]!.push(result.value);
      else missing += 1;
    });
  });
  return { latencies, seconds: (performance.now() - started) / 1000, missing };
}

function row(
  kind: string,
  scenario: string,
  samples: number[],
  seconds: number,
  errors: number,
  note: string,
): Measurement {
  return {
    scenario,
    database: kind,
    rows: 0,
    connections: CONCURRENCY,
    requestsPerSecond: Math.round(samples.length / seconds),
    p50: Number(quantile(samples, 0.5).toFixed(1)),
    p99: Number(quantile(samples, 0.99).toFixed(1)),
    errors,
    ratio: `${samples.length} delivered`,
    note,
  };
}

async function run(kind: string): Promise<Measurement[]> {
  const { handle, url, drop } = await freshDatabase(kind, 'consultations', args['pg-url']!);
  const dataDir = `/tmp/carepool-consultations-bench-${process.pid}`;
  const instances: Instance[] = [];
  const streams: EventStreamClient[] = [];
  try {
    await migrateToLatest(handle.db, handle.dialect);
    await handle.close();
    instances.push(await startInstance(url, dataDir), await startInstance(url, dataDir));
    const [a, b] = instances as [Instance, Instance];
    const db = a.database.db;
    const admin = (
      await call(a.baseUrl, 'POST', '/back_end/api/v1/token/', null, {
        username: 'admin',
        password: 'admin-password-1',
      })
    ).token as string;
    const doctor = await db
      .insertInto('doctors')
      .values({ name: '压测医生', department_id: 1, title: '主治医师', specialty: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const role = await db
      .selectFrom('roles')
      .select('id')
      .where('builtin_key', '=', 'doctor')
      .executeTakeFirstOrThrow();
    await call(a.baseUrl, 'POST', '/back_end/api/v1/staff', admin, {
      username: 'bench_doctor',
      display_name: '压测医生',
      password: 'doctor-password-1',
      role_id: role.id,
      doctor_id: doctor.id,
    });
    const doctorToken = (
      await call(a.baseUrl, 'POST', '/back_end/api/v1/token/', null, {
        username: 'bench_doctor',
        password: 'doctor-password-1',
      })
    ).token as string;
    const date = addDays(new ClinicCalendar('Asia/Shanghai').dateAt(Math.floor(Date.now() / 1000)), 3);
    await call(a.baseUrl, 'POST', `/back_end/api/v1/schedule/doctors/${doctor.id}/exceptions`, admin, {
      date,
      period: 'morning',
      kind: 'extra',
      capacity: PATIENTS,
    });

    log(`${kind}: ${PATIENTS} patients sign up, book and ask (set-up)`);
    const patients: { token: string; consultationId: number; stream?: EventStreamClient }[] = [];
    await pool(
      Array.from({ length: PATIENTS }, (_, index) => index),
      4,
      async (index) => {
        const phone = `137${String(process.pid % 10_000).padStart(4, '0')}${String(index).padStart(4, '0')}`;
        await call(a.baseUrl, 'POST', '/patient/register', null, {
          phone,
          password: 'patient-pass-1',
          name: `患者${index}`,
        });
        const login = await call(a.baseUrl, 'POST', '/patient/login', null, { phone, password: 'patient-pass-1' });
        const token = login.data.token as string;
        await call(a.baseUrl, 'POST', '/patient/appointments', token, {
          doctor_id: doctor.id,
          date,
          period: 'morning',
        });
        const opened = await call(a.baseUrl, 'POST', '/patient/consultations', token, {
          doctor_id: doctor.id,
          text: `第一个问题 ${index}`,
        });
        patients.push({ token, consultationId: opened.data.consultation.id as number });
      },
    );

    const listen = async (baseUrl: string, path: string, token: string) => {
      const stream = await openEventStream(baseUrl, path, token);
      streams.push(stream);
      await stream.next((event) => event.event === 'ready');
      return stream;
    };
    const doctorOnB = await listen(b.baseUrl, '/back_end/api/v1/consultation/events', doctorToken);
    const doctorOnA = await listen(a.baseUrl, '/back_end/api/v1/consultation/events', doctorToken);
    for (const patient of patients)
      patient.stream = await listen(b.baseUrl, '/patient/consultation-events', patient.token);

    log(`${kind}: ${MESSAGES} patient messages through A`);
    const asked = await timeDelivery(
      Array.from({ length: MESSAGES }, (_, index) => {
        const patient = patients[index % PATIENTS]!;
        const text = `问题 ${index}`;
        return {
          text,
          streams: [doctorOnB, doctorOnA],
          send: () =>
            call(a.baseUrl, 'POST', `/patient/consultations/${patient.consultationId}/messages`, patient.token, {
              text,
            }),
        };
      }),
    );
    log(`${kind}: ${MESSAGES} doctor answers through A`);
    const answered = await timeDelivery(
      Array.from({ length: MESSAGES }, (_, index) => {
        const patient = patients[index % PATIENTS]!;
        const text = `回答 ${index}`;
        return {
          text,
          streams: [patient.stream!],
          send: () =>
            call(a.baseUrl, 'POST', `/back_end/api/v1/consultation/${patient.consultationId}/messages`, doctorToken, {
              text,
            }),
        };
      }),
    );
    // Each patient's stream must hold its own messages only: its own answers, and its own questions.
    const strays = patients.reduce(
      (count, patient) =>
        count +
        patient.stream!.events.filter(
          (event) => event.event === 'message' && event.data.consultation.id !== patient.consultationId,
        ).length,
      0,
    );
    const perPatient = `${PATIENTS} patients' streams on B, ${strays} messages of another patient seen`;
    return [
      row(
        kind,
        '问诊 patient → doctor, stream on the other instance',
        asked.latencies[0]!,
        asked.seconds,
        asked.missing,
        perPatient,
      ),
      row(
        kind,
        '问诊 patient → doctor, stream on the writing instance',
        asked.latencies[1]!,
        asked.seconds,
        0,
        'same messages',
      ),
      row(
        kind,
        '问诊 doctor → patient, stream on the other instance',
        answered.latencies[0]!,
        answered.seconds,
        answered.missing + strays,
        perPatient,
      ),
    ];
  } finally {
    for (const stream of streams) stream.close();
    for (const instance of instances) {
      await instance.app.close();
      await instance.database.close();
    }
    await drop();
  }
}

async function main(): Promise<void> {
  const results: Measurement[] = [];
  for (const kind of databases) {
    if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`--db must be sqlite or postgres (got ${kind})`);
    results.push(...(await run(kind)));
  }
  console.log(`\n${renderTable(results)}\n`);
  console.log(
    `${quick ? 'quick run' : 'full run'}: ${PATIENTS} patients, ${MESSAGES} messages each way, ${CONCURRENCY} at a time; ` +
      'p50 / p99 are milliseconds from the POST to the message on the stream; requests/s = messages delivered per second',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
