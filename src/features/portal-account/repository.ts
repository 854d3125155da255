import { type Kysely, sql } from 'kysely';
import { precompiled } from '../../db/precompiled.js';
import type { Database, Executor, PatientUpdate } from '../../db/schema.js';
import { livePatient, type PatientScope, scopeCondition } from '../../domain/patient-scope.js';

/** The profile as the patient sees it (GET /patient): their pool record and login phone. */
const PROFILE_COLUMNS = [
  'a.phone',
  'a.phone_verified_at',
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
   * The pool record a verified account attaches to: a live record with that tel that has no
   * account yet (one record per person), those staff registered first, then the newest.
   */
  async findUnclaimedPoolRecord(tel: string, db: Executor): Promise<number | undefined> {
    const row = await db
      .selectFrom('patients as p')
      .leftJoin('patient_accounts as a', 'a.patient_id', 'p.id')
      .select('p.id')
      .where('p.tel', '=', tel)
      .where((eb) => livePatient(eb, 'p'))
      .where('a.id', 'is', null)
      .orderBy(sql`case when p.author_id is null then 1 else 0 end`)
      .orderBy('p.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  async createAccount(
    account: { patientId: number; phone: string; passwordHash: string; now: number; verifiedAt: number | null },
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
        phone_verified_at: account.verifiedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** An account with what decides whether its record is provisional (see IdentityService). */
  findAccountWithRecord(by: { accountId: number } | { phone: string }, db: Executor = this.db) {
    return db
      .selectFrom('patient_accounts as a')
      .innerJoin('patients as p', 'p.id', 'a.patient_id')
      .leftJoin('channels as c', 'c.id', 'p.media_from_id')
      .select([
        'a.id',
        'a.patient_id',
        'a.phone',
        'a.phone_verified_at',
        'a.created_at',
        'p.author_id',
        'p.deleted_at',
        'c.system_key as channel_key',
      ])
      .$call((query) =>
        'accountId' in by ? query.where('a.id', '=', by.accountId) : query.where('a.phone', '=', by.phone),
      )
      .executeTakeFirst();
  }

  /** The account moves to another record (a claim or a desk link), verified at `now`. */
  async moveAccount(accountId: number, patientId: number, now: number, db: Executor): Promise<void> {
    await db
      .updateTable('patient_accounts')
      .set({ patient_id: patientId, phone_verified_at: now, updated_at: now })
      .where('id', '=', accountId)
      .execute();
  }

  async markVerified(accountId: number, now: number, db: Executor): Promise<void> {
    await db
      .updateTable('patient_accounts')
      .set({ phone_verified_at: now, updated_at: now })
      .where('id', '=', accountId)
      .execute();
  }

  /**
   * A claim brings what the patient entered on the provisional record into the record staff
   * hold, where staff left it empty; nothing staff entered is overwritten.
   */
  async fillEmptyFields(toPatientId: number, fromPatientId: number, now: number, db: Executor): Promise<string[]> {
    const [to, from] = await Promise.all(
      [toPatientId, fromPatientId].map((id) =>
        db
          .selectFrom('patients')
          .select(['sex', 'birth_date', 'address', 'medical_history'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow(),
      ),
    );
    const changes: PatientUpdate = {};
    for (const field of ['sex', 'birth_date', 'address', 'medical_history'] as const)
      if (to![field] === null && from![field] !== null) (changes as Record<string, unknown>)[field] = from![field];
    const filled = Object.keys(changes);
    if (filled.length > 0) await this.updatePatient(toPatientId, { ...changes, updated_at: now }, db);
    return filled;
  }

  /** A provisional record left with nothing on it goes to the recycle bin once its account has moved. */
  async retireIfEmpty(patientId: number, now: number, db: Executor): Promise<boolean> {
    const held = await db
      .selectFrom('patients as p')
      .select([
        (eb) =>
          eb
            .selectFrom('appointments')
            .select(eb.fn.countAll().as('n'))
            .whereRef('patient_id', '=', 'p.id')
            .as('appointments'),
        (eb) =>
          eb.selectFrom('visits').select(eb.fn.countAll().as('n')).whereRef('patient_id', '=', 'p.id').as('visits'),
        (eb) =>
          eb
            .selectFrom('follow_ups')
            .select(eb.fn.countAll().as('n'))
            .whereRef('patient_id', '=', 'p.id')
            .as('follow_ups'),
        (eb) =>
          eb
            .selectFrom('patient_accounts')
            .select(eb.fn.countAll().as('n'))
            .whereRef('patient_id', '=', 'p.id')
            .as('accounts'),
      ])
      .where('p.id', '=', patientId)
      .executeTakeFirst();
    if (!held || Number(held.appointments) + Number(held.visits) + Number(held.follow_ups) + Number(held.accounts) > 0)
      return false;
    await this.updatePatient(patientId, { deleted_at: now, deleted_by: null, updated_at: now }, db);
    return true;
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

  /** A live record the staff caller may see, with its tel (desk actions on its portal account). */
  findRecordInScope(patientId: number, scope: PatientScope, db: Executor = this.db) {
    return db
      .selectFrom('patients')
      .select(['id', 'name', 'tel'])
      .where('id', '=', patientId)
      .where((eb) => scopeCondition(eb, scope))
      .executeTakeFirst();
  }

  findAccountOfRecord(patientId: number, db: Executor = this.db) {
    return db
      .selectFrom('patient_accounts')
      .select(['id', 'patient_id', 'phone', 'phone_verified_at', 'created_at'])
      .where('patient_id', '=', patientId)
      .executeTakeFirst();
  }
}
