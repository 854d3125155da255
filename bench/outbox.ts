import { parseArgs } from 'node:util';
import { createCoreServices } from '../src/composition.js';
import { loadConfig } from '../src/config.js';
import type { DatabaseHandle } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations/index.js';
import { addDays, ClinicCalendar } from '../src/domain/clinic-time/clinic-calendar.js';
import { noPatientNotices, type PatientNotices } from '../src/domain/patient-notices.js';
import { AppointmentRepository, AppointmentService, ScheduleRepository } from '../src/features/booking/index.js';
import {
  DeliveryWorker,
  logTransport,
  NotificationOutbox,
  OutboxRepository,
  RecipientsRepository,
  TemplateCache,
} from '../src/features/notifications/index.js';
import { freshDatabase } from './fresh-database.js';
import type { Measurement } from './load.js';
import { renderTable } from './report.js';

/*
 * npm run bench:outbox [-- --quick] [-- --db sqlite|postgres]
 * The outbox's two costs, in process on a fresh database:
 * - delivery rate: messages per second the delivery worker moves from pending to sent through the
 *   log transport (claim, "send", settle), with the default batch size and a larger one;
 * - what a booking pays for its notification: the same booking service with the outbox and with
 *   no notices, bookings alternating between the two, p50 / p99 and the difference of the means.
 */
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    db: { type: 'string' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const quick = args.quick!;
const MESSAGES = quick ? 2_000 : 20_000;
const BOOKINGS = quick ? 400 : 4_000;
const databases = args.db ? [args.db] : ['sqlite', 'postgres'];
const log = (line: string) => console.log(`[bench:outbox] ${line}`);
const silent = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  fatal() {},
  trace() {},
  child: () => silent,
  level: 'silent',
} as never;

const quantile = (samples: number[], q: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};
const mean = (samples: number[]) => samples.reduce((sum, value) => sum + value, 0) / samples.length;
const ms = (value: number) => Number(value.toFixed(2));

async function deliveryRate(database: DatabaseHandle, kind: string, batchSize: number): Promise<Measurement> {
  await database.db.deleteFrom('notification_outbox').execute();
  const now = Date.now();
  const rows = Array.from({ length: MESSAGES }, (_, index) => ({
    idempotency_key: `bench-${batchSize}-${index}`,
    event: 'booking_confirmed',
    channel: 'sms' as const,
    recipient: `136${String(index).padStart(8, '0')}`,
    language: 'zh-CN' as const,
    body: `消息 ${index}`,
    params: '{}',
    status: 'pending' as const,
    next_attempt_at: now,
    created_at: now,
    updated_at: now,
  }));
  for (let start = 0; start < rows.length; start += 500)
    await database.db
      .insertInto('notification_outbox')
      .values(rows.slice(start, start + 500))
      .execute();
  const worker = new DeliveryWorker(
    new OutboxRepository(database.db, database.dialect),
    { sms: logTransport, email: logTransport, wechat: logTransport },
    { batchSize, sendTimeoutMs: 10_000, maxAttempts: 5, retryBaseMs: 30_000, pollIntervalMs: 2_000 },
    silent,
  );
  const started = performance.now();
  let sent = 0;
  for (;;) {
    const pass = await worker.runOnce();
    sent += pass.sent;
    if (pass.claimed === 0) break;
  }
  const seconds = (performance.now() - started) / 1000;
  log(`${kind} delivery, batch ${batchSize}: ${sent} messages in ${seconds.toFixed(2)} s`);
  return {
    scenario: `outbox delivery through the log transport (batch ${batchSize})`,
    database: kind,
    rows: MESSAGES,
    connections: 1,
    requestsPerSecond: null,
    p50: null,
    p99: null,
    errors: MESSAGES - sent,
    ratio: `${Math.round(sent / seconds).toLocaleString('en-US')} messages/s`,
    note: `${sent} sent in ${seconds.toFixed(2)} s, one worker`,
  };
}

async function bookingCost(database: DatabaseHandle, kind: string): Promise<Measurement[]> {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
  const core = createCoreServices(config, database, 'bench-outbox-does-not-sign-tokens-0123456789');
  const calendar = new ClinicCalendar(config.clinicTimezone);
  const appointments = new AppointmentRepository(database.db);
  const schedules = new ScheduleRepository(database.db);
  const outbox = new NotificationOutbox(
    new OutboxRepository(database.db, database.dialect),
    new RecipientsRepository(database.db),
    new TemplateCache(new RecipientsRepository(database.db)),
    calendar,
  );
  const services: Record<'with' | 'without', AppointmentService> = {
    with: new AppointmentService(core, appointments, schedules, calendar, outbox as PatientNotices),
    without: new AppointmentService(core, appointments, schedules, calendar, noPatientNotices),
  };
  const nowSeconds = Math.floor(Date.now() / 1000);
  const doctor = await database.db
    .insertInto('doctors')
    .values({ name: '压测医生', department_id: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const dates = Array.from({ length: 20 }, (_, index) => addDays(calendar.dateAt(nowSeconds), index + 1));
  await database.db
    .insertInto('doctor_session_exceptions')
    .values(
      dates.map((date) => ({
        doctor_id: doctor.id,
        session_date: date,
        period: 'morning' as const,
        kind: 'extra' as const,
        capacity: 100_000,
        created_at: nowSeconds,
      })),
    )
    .execute();
  const patients = await database.db
    .insertInto('patients')
    .values(
      Array.from({ length: BOOKINGS }, (_, index) => ({
        name: `压测${index}`,
        tel: `137${String(index).padStart(8, '0')}`,
        add_time: nowSeconds,
        state: 0,
        created_at: nowSeconds,
        updated_at: nowSeconds,
      })),
    )
    .returning('id')
    .execute();
  const actor = { type: 'system' as const, id: null, ip: null, userAgent: null, requestId: null };
  const timings: Record<'with' | 'without', number[]> = { with: [], without: [] };
  for (const [index, patient] of patients.entries()) {
    // Alternating, so drift (caches, a busy neighbour) falls on both alike.
    const variant = index % 2 === 0 ? 'with' : 'without';
    const started = performance.now();
    await services[variant].book(
      {
        patientId: patient.id,
        doctorId: doctor.id,
        date: dates[index % dates.length]!,
        period: 'morning',
        source: 'portal',
        bookedBy: null,
      },
      actor,
      Math.floor(Date.now() / 1000),
    );
    if (index >= 20) timings[variant].push(performance.now() - started);
  }
  const queued = await database.db
    .selectFrom('notification_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event', '=', 'booking_confirmed')
    .executeTakeFirstOrThrow();
  const extra = mean(timings.with) - mean(timings.without);
  // The median is the steadier of the two: a disk sync or a busy neighbour lands in a few samples' tails.
  const extraMedian = quantile(timings.with, 0.5) - quantile(timings.without, 0.5);
  log(
    `${kind} booking: with ${ms(mean(timings.with))} ms, without ${ms(mean(timings.without))} ms (${queued.n} messages queued)`,
  );
  const row = (variant: 'with' | 'without'): Measurement => ({
    scenario: `booking in process, ${variant === 'with' ? 'with its notification' : 'no notification'}`,
    database: kind,
    rows: timings[variant].length,
    connections: 1,
    requestsPerSecond: null,
    p50: ms(quantile(timings[variant], 0.5)),
    p99: ms(quantile(timings[variant], 0.99)),
    errors: 0,
    ratio: `mean ${ms(mean(timings[variant]))} ms`,
    ...(variant === 'with'
      ? {
          note: `the notification adds ${ms(extraMedian)} ms at the median (${((extraMedian / quantile(timings.without, 0.5)) * 100).toFixed(0)}%), ${ms(extra)} ms in the mean`,
        }
      : {}),
  });
  return [row('without'), row('with')];
}

async function main(): Promise<void> {
  const results: Measurement[] = [];
  for (const kind of databases) {
    if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`--db must be sqlite or postgres (got ${kind})`);
    const { handle, drop } = await freshDatabase(kind, 'outbox', args['pg-url']!);
    try {
      await migrateToLatest(handle.db, handle.dialect);
      results.push(...(await bookingCost(handle, kind)));
      results.push(await deliveryRate(handle, kind, 20));
      results.push(await deliveryRate(handle, kind, 100));
    } finally {
      await handle.close();
      await drop();
    }
  }
  console.log(`\n${renderTable(results)}\n`);
  console.log(`${quick ? 'quick run' : 'full run'}: ${MESSAGES} messages per delivery run, ${BOOKINGS} bookings`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
