import type { Kysely, Transaction } from 'kysely';
import { createCoreServices } from '../composition.js';
import type { AppConfig } from '../config.js';
import type { Database, SessionPeriod } from '../db/schema.js';
import { type AuditActor, AuditRepository } from '../domain/audit.js';
import { addDays, ClinicCalendar, weekdayOf } from '../domain/clinic-time/clinic-calendar.js';
import { noPatientNotices } from '../domain/patient-notices.js';
import { AppointmentRepository, AppointmentService, ScheduleRepository } from '../features/booking/index.js';
import { insertStaffUser } from '../features/staff-users/index.js';
import { recordArrival } from '../features/visits/index.js';
import { hashPassword } from '../security/passwords.js';
import { CliError, parseOptions, unixNow, withMigratedDatabase } from './context.js';
import {
  between,
  DEMO_PASSWORD,
  DEMO_STAFF,
  demoPatient,
  diseaseFitsSex,
  followUpNote,
  pick,
  type Random,
  seededRandom,
} from './demo-data.js';

const DAY = 86_400;
const PATIENT_COUNT = 200;

const actorOf = (id: number): AuditActor => ({
  type: 'staff',
  id,
  label: 'seed-demo',
  ip: null,
  userAgent: null,
  requestId: null,
});

async function createStaff(trx: Transaction<Database>, now: number): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const member of DEMO_STAFF) {
    const role = await trx.selectFrom('roles').select('id').where('name', '=', member.role).executeTakeFirst();
    if (!role)
      throw new CliError(`the default role "${member.role}" is missing (renamed?): seed-demo needs the default roles`);
    const id = await insertStaffUser(trx, {
      username: member.username,
      displayName: member.displayName,
      passwordHash,
      roleId: role.id,
      now,
    });
    ids.set(member.username, id);
  }
  return ids;
}

/** Every active doctor holds three to five half-day sessions a week. */
async function createWeeklySchedules(
  trx: Transaction<Database>,
  doctorIds: number[],
  random: Random,
  now: number,
): Promise<void> {
  for (const doctorId of doctorIds) {
    const slots = new Set<string>();
    const wanted = between(random, 3, 5);
    while (slots.size < wanted) slots.add(`${between(random, 1, 6)}|${random() < 0.6 ? 'morning' : 'afternoon'}`);
    for (const slot of slots) {
      const [weekday, period] = slot.split('|') as [string, SessionPeriod];
      await trx
        .insertInto('doctor_weekly_sessions')
        .values({
          doctor_id: doctorId,
          weekday: Number(weekday),
          period,
          capacity: between(random, 8, 20),
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
  }
}

interface Catalog {
  channelIds: number[];
  /** Active diseases a patient of each sex (0 male, 1 female) may have: no 子宫肌瘤 for a man. */
  diseaseIdsBySex: Record<0 | 1, number[]>;
  doctorIds: number[];
  advisoryWays: string[];
}

async function readCatalog(db: Kysely<Database>): Promise<Catalog> {
  const channels = await db
    .selectFrom('channels')
    .select('id')
    .where('is_active', '=', 1)
    .where('system_key', 'is', null)
    .execute();
  const diseases = await db
    .selectFrom('diseases')
    .leftJoin('departments', 'departments.id', 'diseases.department_id')
    .select(['diseases.id', 'departments.name as departmentName'])
    .where('diseases.is_active', '=', 1)
    .execute();
  const doctors = await db.selectFrom('doctors').select('id').where('is_active', '=', 1).execute();
  const ways = await db.selectFrom('advisory_ways').select('name').where('is_active', '=', 1).execute();
  const diseaseIdsBySex = {
    0: diseases.filter((row) => diseaseFitsSex(row.departmentName, 0)).map((row) => row.id),
    1: diseases.filter((row) => diseaseFitsSex(row.departmentName, 1)).map((row) => row.id),
  };
  if (
    channels.length === 0 ||
    diseaseIdsBySex[0].length === 0 ||
    diseaseIdsBySex[1].length === 0 ||
    doctors.length === 0
  )
    throw new CliError('the catalog has no active channels, diseases for both sexes or doctors');
  return {
    channelIds: channels.map((r) => r.id),
    diseaseIdsBySex,
    doctorIds: doctors.map((r) => r.id),
    advisoryWays: ways.map((r) => r.name),
  };
}

/** ~200 patients over 90 days: about 40 % arrived (some came back), 15 % lost, the rest open. */
async function createPatients(
  trx: Transaction<Database>,
  catalog: Catalog,
  staff: Map<string, number>,
  calendar: ClinicCalendar,
  random: Random,
  now: number,
) {
  const consultants = [staff.get('demo_consultant1')!, staff.get('demo_consultant2')!];
  const frontDesk = staff.get('demo_frontdesk')!;
  const audit = new AuditRepository(trx);
  const open: { id: number; doctorId: number }[] = [];
  for (let index = 1; index <= PATIENT_COUNT; index += 1) {
    const person = demoPatient(random, index);
    const authorId = pick(random, consultants);
    const addTime = now - between(random, 3600, 90 * DAY);
    const doctorId = pick(random, catalog.doctorIds);
    const roll = random();
    const { id } = await trx
      .insertInto('patients')
      .values({
        name: person.name,
        sex: person.sex,
        age: person.age,
        tel: person.tel,
        add_time: addTime,
        disease_id: pick(random, catalog.diseaseIdsBySex[person.sex === 1 ? 1 : 0]),
        author_id: authorId,
        state: roll > 0.85 ? 2 : 0,
        media_from_id: pick(random, catalog.channelIds),
        doctor_id: doctorId,
        advisory_way: catalog.advisoryWays.length > 0 ? pick(random, catalog.advisoryWays) : null,
        advisory_content: person.inquiry,
        area: person.area,
        remarks: null,
        created_at: addTime,
        updated_at: addTime,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit.record(actorOf(authorId), {
      action: 'patient.create',
      targetType: 'patient',
      targetId: id,
      details: { via: 'seed-demo' },
    });

    const firstVisit = addTime + between(random, 3600, 10 * DAY);
    if (roll < 0.4 && firstVisit < now - 3600) {
      await recordArrival(
        trx,
        audit,
        actorOf(frontDesk),
        { patientId: id, visitTime: firstVisit, spendFen: between(random, 20, 300) * 100, recordedBy: frontDesk },
        now,
      );
      const returnVisit = firstVisit + between(random, 7, 30) * DAY;
      if (random() < 0.35 && returnVisit < now) {
        await recordArrival(
          trx,
          audit,
          actorOf(frontDesk),
          { patientId: id, visitTime: returnVisit, spendFen: between(random, 10, 150) * 100, recordedBy: frontDesk },
          now,
        );
      }
    } else if (roll <= 0.85) {
      open.push({ id, doctorId });
    }

    for (let contact = 0; contact < between(random, 0, 2); contact += 1) {
      const contactTime = Math.min(now - 60, addTime + between(random, 600, 5 * DAY));
      const due =
        roll >= 0.4 && roll <= 0.85 && random() < 0.5 ? addDays(calendar.dateAt(now), between(random, -2, 5)) : null;
      await trx
        .insertInto('follow_ups')
        .values({
          patient_id: id,
          staff_id: authorId,
          contact_time: contactTime,
          way: pick(random, ['电话', '微信', '短信']),
          content: followUpNote(random),
          next_follow_up_date: due,
          created_at: contactTime,
        })
        .execute();
    }
  }
  return open;
}

/** A dozen bookings in the next two weeks through the real booking service (capacity, audit). */
async function bookAppointments(
  db: Kysely<Database>,
  config: AppConfig,
  open: { id: number; doctorId: number }[],
  frontDesk: number,
  random: Random,
  now: number,
) {
  // Tokens are never issued here: the core services only need some secret to construct.
  const core = createCoreServices(
    config,
    { db, dialect: config.databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres' },
    'seed-demo-does-not-sign-tokens-0123456789',
  );
  const calendar = new ClinicCalendar(config.clinicTimezone);
  const schedules = new ScheduleRepository(db);
  // Demo bookings tell no one: a configured SMS provider must not text the demo's made-up numbers.
  const service = new AppointmentService(core, new AppointmentRepository(db), schedules, calendar, noPatientNotices);
  const weekly = await db.selectFrom('doctor_weekly_sessions').select(['doctor_id', 'weekday', 'period']).execute();
  let booked = 0;
  for (const patient of open.slice(0, 12)) {
    const today = calendar.dateAt(now);
    const sessions = weekly.filter((row) => row.doctor_id === patient.doctorId);
    for (let offset = between(random, 1, 7); offset <= 14 && sessions.length > 0; offset += 1) {
      const date = addDays(today, offset);
      const session = sessions.find((row) => row.weekday === weekdayOf(date));
      if (!session) continue;
      await service.book(
        {
          patientId: patient.id,
          doctorId: patient.doctorId,
          date,
          period: session.period,
          source: 'staff',
          bookedBy: frontDesk,
        },
        actorOf(frontDesk),
        now,
      );
      booked += 1;
      break;
    }
  }
  return booked;
}

/** seed-demo: refuses to run twice (the demo accounts are the marker). */
export async function seedDemo(config: AppConfig, args: readonly string[]): Promise<void> {
  parseOptions(args, []);
  const summary = await withMigratedDatabase(config, async ({ db }) => {
    const existing = await db
      .selectFrom('staff_users')
      .select('username')
      .where(
        'username',
        'in',
        DEMO_STAFF.map((s) => s.username),
      )
      .executeTakeFirst();
    if (existing)
      throw new CliError(
        `the demo clinic is already there (staff account "${existing.username}" exists): seed-demo runs once per database`,
      );
    const random = seededRandom(20240601);
    const now = unixNow();
    const calendar = new ClinicCalendar(config.clinicTimezone);
    const catalog = await readCatalog(db);
    const { staff, open } = await db.transaction().execute(async (trx) => {
      const staffIds = await createStaff(trx, now);
      await createWeeklySchedules(trx, catalog.doctorIds, random, now);
      return { staff: staffIds, open: await createPatients(trx, catalog, staffIds, calendar, random, now) };
    });
    const appointments = await bookAppointments(db, config, open, staff.get('demo_frontdesk')!, random, now);
    const visits = await db
      .selectFrom('visits')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { appointments, visits: Number(visits.n) };
  });
  console.log(
    `Demo clinic created: ${PATIENT_COUNT} patients over the last 90 days, ${summary.visits} visits, ${summary.appointments} appointments, weekly schedules for every doctor.`,
  );
  console.log(`Demo staff (password for all: ${DEMO_PASSWORD}):`);
  for (const member of DEMO_STAFF) console.log(`  ${member.username.padEnd(18)} ${member.role}`);
}
