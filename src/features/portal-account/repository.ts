import type { Kysely } from 'kysely';
import { precompiled } from '../../db/precompiled.js';
import type { Database, Executor, PatientUpdate } from '../../db/schema.js';
import { livePatient } from '../../domain/patient-scope.js';

/** The profile as the patient sees it (GET /patient): their pool record and login phone. */
const PROFILE_COLUMNS = [
  'a.phone',
  'p.name',
  'p.sex',
  'p.address',
  'p.avatar_url',
  'p.birth_date',
  'p.medical_history',
] as const;

/** Portal accounts and the one pool record each is attached to. */
export class PortalAccountRepository {
  /** Behind every authenticated portal request (and the profile behind GET /patient): compiled once (see precompiled). */
  private readonly principalBySession;
  private readonly profileOf;

  constructor(private readonly db: Kysely<Database>) {
    this.principalBySession = precompiled(db, (query, sessionId: string) =>
      query
        .selectFrom('auth_sessions as s')
        .innerJoin('patient_accounts as a', 'a.id', 's.subject_id')
        .innerJoin('patients as p', 'p.id', 'a.patient_id')
        .select(['a.id as account_id', 'a.patient_id', ...PROFILE_COLUMNS])
        .where('s.id', '=', sessionId)
        .where('s.family', '=', 'patient')
        .where('s.revoked_at', 'is', null)
        .where((eb) => livePatient(eb, 'p')),
    );
    this.profileOf = precompiled(db, (query, patientId: number) =>
      query
        .selectFrom('patients as p')
        .innerJoin('patient_accounts as a', 'a.patient_id', 'p.id')
        .select(PROFILE_COLUMNS)
        .where('p.id', '=', patientId),
    );
  }

  findByPhone(phone: string, db: Executor = this.db) {
    return db
      .selectFrom('patient_accounts as a')
      .innerJoin('patients as p', 'p.id', 'a.patient_id')
      .select(['a.id', 'a.patient_id', 'a.password_hash', 'p.name'])
      .where('a.phone', '=', phone)
      .executeTakeFirst();
  }

  /** The account that may sign in with this phone: none while its record is in the recycle bin. */
  findSignInByPhone(phone: string) {
    return this.db
      .selectFrom('patient_accounts as a')
      .innerJoin('patients as p', 'p.id', 'a.patient_id')
      .select(['a.id', 'a.patient_id', 'a.password_hash', 'p.name'])
      .where('a.phone', '=', phone)
      .where((eb) => livePatient(eb, 'p'))
      .executeTakeFirst();
  }

  /**
   * A live session of an account whose pool record is not in the recycle bin, with that
   * record's profile: the join reads the row anyway, and GET /patient, the portal's most
   * frequent call, then needs no second query (one round trip instead of two on PostgreSQL).
   */
  findPrincipalBySession(sessionId: string) {
    return this.principalBySession(sessionId);
  }

  /** The profile as the patient sees it: their own pool record, login phone included. */
  findProfile(patientId: number) {
    return this.profileOf(patientId);
  }

  /**
   * The pool record a new portal account attaches to: the newest live record with that
   * tel that has no account yet (one record per person).
   */
  async findUnclaimedPoolRecord(tel: string, db: Executor): Promise<number | undefined> {
    const row = await db
      .selectFrom('patients as p')
      .leftJoin('patient_accounts as a', 'a.patient_id', 'p.id')
      .select('p.id')
      .where('p.tel', '=', tel)
      .where((eb) => livePatient(eb, 'p'))
      .where('a.id', 'is', null)
      .orderBy('p.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  async createAccount(
    account: { patientId: number; phone: string; passwordHash: string; now: number },
    db: Executor,
  ): Promise<number> {
    const row = await db
      .insertInto('patient_accounts')
      .values({
        patient_id: account.patientId,
        phone: account.phone,
        password_hash: account.passwordHash,
        created_at: account.now,
        updated_at: account.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async updatePatient(patientId: number, changes: PatientUpdate, db: Executor): Promise<void> {
    await db.updateTable('patients').set(changes).where('id', '=', patientId).execute();
  }

  findAccountById(accountId: number, db: Executor = this.db) {
    return db
      .selectFrom('patient_accounts')
      .select(['id', 'patient_id', 'phone', 'password_hash'])
      .where('id', '=', accountId)
      .executeTakeFirst();
  }

  async updatePasswordHash(accountId: number, passwordHash: string, now: number, db: Executor): Promise<void> {
    await db
      .updateTable('patient_accounts')
      .set({ password_hash: passwordHash, updated_at: now })
      .where('id', '=', accountId)
      .execute();
  }

  async updateAccountPhone(accountId: number, phone: string, now: number, db: Executor): Promise<void> {
    await db.updateTable('patient_accounts').set({ phone, updated_at: now }).where('id', '=', accountId).execute();
  }
}
