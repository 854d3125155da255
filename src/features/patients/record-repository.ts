import type { Kysely } from 'kysely';
import type { Database, Executor, PatientRow, PatientUpdate } from '../../db/schema.js';
import type { PatientScope } from '../../domain/patient-scope.js';
import { scopeCondition, scopedRecycleBin } from '../../domain/patient-scope.js';

/**
 * One pool record at a time: the detail read with every catalog name joined in, edits,
 * the recycle bin and the purge. Every read takes the caller's scope; a record outside it
 * is answered exactly like one that does not exist (undefined).
 */
export class PatientRecordRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The live record, if the scope allows it. */
  findLive(id: number, scope: PatientScope, db: Executor = this.db): Promise<PatientRow | undefined> {
    return db
      .selectFrom('patients')
      .selectAll()
      .where((eb) => eb.and([eb('patients.id', '=', id), scopeCondition(eb, scope)]))
      .executeTakeFirst();
  }

  /** The full record with its catalog and author names: one query. */
  findDetail(id: number, scope: PatientScope, db: Executor = this.db) {
    const query = db
      .selectFrom('patients')
      .leftJoin('diseases', 'diseases.id', 'patients.disease_id')
      .leftJoin('departments', 'departments.id', 'diseases.department_id')
      .leftJoin('doctors', 'doctors.id', 'patients.doctor_id')
      .leftJoin('channels', 'channels.id', 'patients.media_from_id')
      .leftJoin('staff_users as author', 'author.id', 'patients.author_id')
      .selectAll('patients')
      .select([
        'diseases.name as disease_name',
        'departments.id as department_id',
        'departments.name as department_name',
        'doctors.name as doctor_name',
        'channels.name as media_from_name',
        'author.display_name as author_name',
      ])
      .where('patients.id', '=', id)
      .where((eb) => scopeCondition(eb, scope));
    return query.executeTakeFirst();
  }

  async update(id: number, changes: PatientUpdate, db: Executor): Promise<void> {
    await db.updateTable('patients').set(changes).where('id', '=', id).execute();
  }

  portalAccountOf(patientId: number, db: Executor) {
    return db
      .selectFrom('patient_accounts')
      .select(['id', 'phone'])
      .where('patient_id', '=', patientId)
      .executeTakeFirst();
  }

  portalAccountByPhone(phone: string, db: Executor) {
    return db.selectFrom('patient_accounts').select(['id', 'patient_id']).where('phone', '=', phone).executeTakeFirst();
  }

  async updatePortalPhone(accountId: number, phone: string, now: number, db: Executor): Promise<void> {
    await db.updateTable('patient_accounts').set({ phone, updated_at: now }).where('id', '=', accountId).execute();
  }

  /** A record in the recycle bin, if the scope allows it. */
  findDeleted(id: number, scope: PatientScope, db: Executor = this.db) {
    const query = db
      .selectFrom('patients')
      .selectAll()
      .where('id', '=', id)
      .where((eb) => scopedRecycleBin(eb, scope));
    return query.executeTakeFirst();
  }

  async listDeleted(scope: PatientScope, paging: { page: number; pageSize: number }) {
    const base = this.db.selectFrom('patients').where((eb) => scopedRecycleBin(eb, scope));
    const rows = await base
      .leftJoin('staff_users as deleter', 'deleter.id', 'patients.deleted_by')
      .selectAll('patients')
      .select('deleter.display_name as deleted_by_name')
      .orderBy('patients.deleted_at', 'desc')
      .orderBy('patients.id', 'desc')
      .limit(paging.pageSize)
      .offset((paging.page - 1) * paging.pageSize)
      .execute();
    const counted = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    return { rows, total: Number(counted.total) };
  }

  /**
   * Removes the record and everything that hangs off it: visits, follow-ups, the portal
   * account and that account's sessions. The audit log keeps its rows (append-only).
   */
  async purge(patientId: number, db: Executor) {
    const account = await this.portalAccountOf(patientId, db);
    if (account) {
      await db
        .deleteFrom('auth_sessions')
        .where('family', '=', 'patient')
        .where('subject_id', '=', account.id)
        .execute();
      await db.deleteFrom('patient_accounts').where('id', '=', account.id).execute();
    }
    const visits = await db.deleteFrom('visits').where('patient_id', '=', patientId).executeTakeFirst();
    const followUps = await db.deleteFrom('follow_ups').where('patient_id', '=', patientId).executeTakeFirst();
    await db.deleteFrom('patients').where('id', '=', patientId).execute();
    return {
      portalAccountDeleted: account !== undefined,
      visitsDeleted: Number(visits.numDeletedRows),
      followUpsDeleted: Number(followUps.numDeletedRows),
    };
  }
}

export type PatientDetailRow = NonNullable<Awaited<ReturnType<PatientRecordRepository['findDetail']>>>;
