import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { followUpPlansRebuildSql } from '../src/db/follow-up-plan.js';
import { rebuildKeywordSearch } from '../src/db/keyword-index.js';
import { migrateToLatest } from '../src/db/migrations/index.js';
import { syncRollup } from '../src/features/rollup/rollup-sync.js';
import { hashPassword } from '../src/security/passwords.js';
import { type BulkWriter, openBulkWriter } from './bulk-writer.js';
import {
  CONSULTANT_PASSWORD,
  consultantCountFor,
  consultantUsername,
  FOLLOW_UP_COLUMNS,
  PATIENT_COLUMNS,
  PatientFactory,
  VISIT_COLUMNS,
} from './data-model.js';

/*
 * Fills an empty CarePool database with N realistic patients (default 1,000,000):
 *   npx tsx bench/generate.ts --url sqlite:./bench/.data/x.db --rows 1000000 --seed 42
 * The schema comes from the product's own migrations; rows go in through raw 1000-row
 * multi-value INSERTs (not the API: one request per row would take hours).
 */

const BATCH = 1000;
/** Patients that get a portal login (booking burst, portal scenarios). */
const PORTAL_ACCOUNTS = 1000;

export interface GeneratedManifest {
  rows: number;
  seed: number;
  consultants: number;
  password: string;
  adminUsername: string;
  consultantUsernames: string[];
  /** Portal logins (phone) of live patients, all with `password`. */
  portalPhones: string[];
  /** A full phone, its last 4 digits, and a name fragment that exist in the data. */
  search: { fullPhone: string; partialPhone: string; nameFragment: string };
  /** A consultant with many patients, for the scoped list. */
  busyConsultant: string;
  until: number;
  seconds: number;
}

export async function generate(
  url: string,
  rows: number,
  seed: number,
  log: (line: string) => void = console.log,
): Promise<GeneratedManifest> {
  const started = Date.now();
  const database = openDatabase(url, { maintenance: true });
  await migrateToLatest(database.db, database.dialect);
  await database.close();

  const writer = await openBulkWriter(url);
  const [counted] = await writer.query<{ patients: number }>('select count(*) as patients from patients');
  const patients = counted?.patients ?? 0;
  if (Number(patients) > 0) throw new Error(`${url} already holds patients; the generator fills an empty database`);

  const roles = await writer.query<{ id: number; name: string; builtin_key: string | null }>(
    'select id, name, builtin_key from roles',
  );
  const adminRole = roles.find((role) => role.builtin_key === 'administrator')!.id;
  const consultantRole = roles.find((role) => role.name === '咨询客服')!.id;
  // One hash for everyone: argon2 is deliberately slow, a million-row load must not pay it per user.
  const passwordHash = await hashPassword(CONSULTANT_PASSWORD);
  const until = Math.floor(Date.now() / 86_400_000) * 86_400;
  const consultants = consultantCountFor(rows);

  await writer.begin();
  const staffColumns = [
    'id',
    'username',
    'display_name',
    'password_hash',
    'role_id',
    'is_active',
    'created_at',
    'updated_at',
  ];
  await writer.insert('staff_users', staffColumns, [
    [1, 'bench_admin', '压测管理员', passwordHash, adminRole, 1, until, until],
  ]);
  const usernames: string[] = [];
  for (let first = 0; first < consultants; first += BATCH) {
    const batch: unknown[][] = [];
    for (let index = first; index < Math.min(consultants, first + BATCH); index += 1) {
      usernames.push(consultantUsername(index));
      batch.push([
        index + 2,
        consultantUsername(index),
        `咨询${index + 1}号`,
        passwordHash,
        consultantRole,
        1,
        until,
        until,
      ]);
    }
    await writer.insert('staff_users', staffColumns, batch);
  }
  // Marketing spend (0021) of every channel but self-registration for the three years before `until`.
  const costs: unknown[][] = [];
  const untilMonth = new Date(until * 1000);
  for (let back = 0; back < 36; back += 1) {
    const month = new Date(Date.UTC(untilMonth.getUTCFullYear(), untilMonth.getUTCMonth() - back, 1));
    const label = month.toISOString().slice(0, 7);
    for (let channel = 1; channel <= 6; channel += 1)
      costs.push([channel, label, (5_000 + ((back * 7 + channel * 13) % 20) * 1_000) * 100, until, 1]);
  }
  await writer.insert('marketing_costs', ['channel_id', 'month', 'amount_fen', 'updated_at', 'updated_by'], costs);
  await writer.commit();
  await writer.syncIdentity('staff_users');

  // The statistics rollup's triggers (0008) would add an upsert per row: off during the load, then one set-based rebuild.
  // The same for the keyword search index's (0009, 0010), and follow_ups' plan trigger (0022).
  const triggers = await suspendTriggers(writer, url);
  const indexes = [
    ...(await writer.dropIndexes('patients')),
    ...(await writer.dropIndexes('visits')),
    ...(await writer.dropIndexes('follow_ups')),
  ];
  const factory = new PatientFactory(seed, { rows, consultants, until }, 2, 1);
  const accounts: unknown[][] = [];
  let search: GeneratedManifest['search'] | undefined;
  let visitCount = 0;
  let followUpCount = 0;
  for (let first = 0; first < rows; first += BATCH) {
    const patientBatch: unknown[][] = [];
    const visitBatch: unknown[][] = [];
    const followUpBatch: unknown[][] = [];
    for (let index = first; index < Math.min(rows, first + BATCH); index += 1) {
      const built = factory.build(index);
      patientBatch.push(built.patient);
      visitBatch.push(...built.visits);
      followUpBatch.push(...built.followUps);
      const [id, name, , , tel] = built.patient as [number, string, unknown, unknown, string | null];
      const live = built.patient[PATIENT_COLUMNS.indexOf('deleted_at')] === null;
      if (tel && live && accounts.length < PORTAL_ACCOUNTS) accounts.push([id, tel, passwordHash, until, until]);
      // Search probes from the middle of the data, so they exist at any size.
      if (!search && index >= rows / 2 && tel && live && name.length === 3) {
        search = { fullPhone: tel, partialPhone: tel.slice(-4), nameFragment: name.slice(0, 2) };
      }
    }
    await writer.begin();
    await writer.insert('patients', PATIENT_COLUMNS, patientBatch);
    for (let offset = 0; offset < visitBatch.length; offset += BATCH)
      await writer.insert('visits', VISIT_COLUMNS, visitBatch.slice(offset, offset + BATCH));
    for (let offset = 0; offset < followUpBatch.length; offset += BATCH) {
      await writer.insert('follow_ups', FOLLOW_UP_COLUMNS, followUpBatch.slice(offset, offset + BATCH));
    }
    await writer.commit();
    visitCount += visitBatch.length;
    followUpCount += followUpBatch.length;
    if ((first / BATCH) % 100 === 99)
      log(`  ${first + BATCH} patients, ${Math.round((first + BATCH) / ((Date.now() - started) / 1000))} rows/s`);
  }
  await writer.begin();
  await writer.insert(
    'patient_accounts',
    ['patient_id', 'phone', 'password_hash', 'created_at', 'updated_at'],
    accounts,
  );
  await writer.commit();
  for (const table of ['patients', 'visits', 'follow_ups']) await writer.syncIdentity(table);
  // Each patient's follow-up plan (0022), which follow_ups' trigger would have kept row by row;
  // before the indexes, which would each take a new entry per updated row.
  const plansStarted = Date.now();
  await writer.query(followUpPlansRebuildSql());
  log(`  follow-up plans set in ${((Date.now() - plansStarted) / 1000).toFixed(1)} s`);
  const indexStarted = Date.now();
  await writer.recreateIndexes(indexes);
  log(`  ${indexes.length} indexes rebuilt in ${((Date.now() - indexStarted) / 1000).toFixed(1)} s`);
  await triggers.restore();
  await writer.finish();
  const rollupStarted = Date.now();
  const migrated = openDatabase(url, { maintenance: true });
  // The server's default zone: a server with another CLINIC_TIMEZONE rebuilds once when it starts.
  await syncRollup(migrated.db, migrated.dialect, process.env.CLINIC_TIMEZONE || 'Asia/Shanghai');
  await migrated.close();
  log(`  statistics rollup built in ${((Date.now() - rollupStarted) / 1000).toFixed(1)} s`);
  const keywordStarted = Date.now();
  const keywordDatabase = openDatabase(url, { maintenance: true });
  await keywordDatabase.db.transaction().execute((trx) => rebuildKeywordSearch(trx, keywordDatabase.dialect));
  if (keywordDatabase.dialect === 'postgres') {
    // As autovacuum leaves them in service: the visibility map lets the gram lists be read by index alone.
    await sql`vacuum (analyze) patient_keyword_digit_grams, patient_keyword_bigrams`.execute(keywordDatabase.db);
  }
  await keywordDatabase.close();
  log(`  keyword search index built in ${((Date.now() - keywordStarted) / 1000).toFixed(1)} s`);

  const seconds = (Date.now() - started) / 1000;
  log(
    `generated ${rows} patients, ${visitCount} visits, ${followUpCount} follow-ups, ${consultants} consultants in ${seconds.toFixed(1)} s (${Math.round(rows / seconds)} patients/s)`,
  );
  return {
    rows,
    seed,
    consultants,
    password: CONSULTANT_PASSWORD,
    adminUsername: 'bench_admin',
    consultantUsernames: usernames,
    portalPhones: accounts.map((account) => account[1] as string),
    search: search!,
    busyConsultant: usernames[0]!,
    until,
    seconds,
  };
}

/** Turns off the user triggers of patients (SQLite: drops them, keeping their definitions); `restore` puts them back. */
async function suspendTriggers(writer: BulkWriter, url: string): Promise<{ restore(): Promise<void> }> {
  if (!url.startsWith('sqlite:')) {
    for (const table of ['patients', 'follow_ups']) await writer.query(`alter table ${table} disable trigger user`);
    return {
      restore: async () => {
        for (const table of ['patients', 'follow_ups']) await writer.query(`alter table ${table} enable trigger user`);
      },
    };
  }
  const triggers = await writer.query<{ name: string; sql: string }>(
    "select name, sql from sqlite_master where type = 'trigger' and tbl_name in ('patients', 'follow_ups')",
  );
  for (const trigger of triggers) await writer.query(`drop trigger "${trigger.name}"`);
  return {
    restore: async () => {
      for (const trigger of triggers) await writer.query(trigger.sql);
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      rows: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '42' },
      manifest: { type: 'string' },
    },
  });
  if (!values.url)
    throw new Error(
      'usage: tsx bench/generate.ts --url sqlite:./file.db|postgres://… [--rows 1000000] [--seed 42] [--manifest out.json]',
    );
  const manifest = await generate(values.url, Number(values.rows), Number(values.seed));
  if (values.manifest) writeFileSync(values.manifest, JSON.stringify(manifest, null, 2));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
