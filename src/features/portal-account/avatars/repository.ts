import type { Kysely, Transaction } from 'kysely';
import type { DialectName } from '../../../db/database.js';
import { precompiled } from '../../../db/precompiled.js';
import type { Database, Executor } from '../../../db/schema.js';

/** Stored avatar files and whose they are (avatar_files, 0013). */
export class AvatarFileRepository {
  /** Behind every avatar an <img> loads: compiled once, and on SQLite never queued behind a write (see precompiled). */
  private readonly servedFile;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {
    this.servedFile = precompiled(db, (query, fileName: string) =>
      query
        .selectFrom('avatar_files')
        .select('file_name')
        .where('file_name', '=', fileName)
        .where('patient_id', 'is not', null),
    );
  }

  /**
   * The patient's avatar_url, with the row locked until the transaction ends, so that two
   * changes of one patient's avatar (an upload and a profile save, two uploads) run one after
   * the other and each sees the files the other kept. SQLite runs one writer at a time already.
   * No key update: the lock does not hold up rows that merely reference the patient.
   */
  async lockAvatarUrl(patientId: number, db: Transaction<Database>): Promise<string | null> {
    const query = db.selectFrom('patients').select('avatar_url').where('id', '=', patientId);
    const row = await (this.dialect === 'postgres' ? query.forNoKeyUpdate() : query).executeTakeFirst();
    return row?.avatar_url ?? null;
  }

  async record(fileName: string, patientId: number, now: number, db: Executor): Promise<void> {
    await db
      .insertInto('avatar_files')
      .values({ file_name: fileName, patient_id: patientId, created_at: now })
      .execute();
  }

  async isOwnedBy(fileName: string, patientId: number, db: Executor): Promise<boolean> {
    const row = await db
      .selectFrom('avatar_files')
      .select('file_name')
      .where('file_name', '=', fileName)
      .where('patient_id', '=', patientId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Forgets the patient's files except `keep` and answers their names, for deletion from disk after the commit. */
  async releaseAllBut(patientId: number, keep: string | null, db: Executor): Promise<string[]> {
    let query = db.deleteFrom('avatar_files').where('patient_id', '=', patientId);
    if (keep !== null) query = query.where('file_name', '<>', keep);
    const rows = await query.returning('file_name').execute();
    return rows.map((row) => row.file_name);
  }

  /** A file is served while it belongs to a record (live or in the recycle bin), not after the purge. */
  async isServed(fileName: string): Promise<boolean> {
    return (await this.servedFile(fileName)) !== undefined;
  }

  /** Forgets up to `limit` files of purged records and answers their names, for deletion from disk. */
  async releasePurged(limit: number): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('avatar_files')
      .where('file_name', 'in', (query) =>
        query.selectFrom('avatar_files').select('file_name').where('patient_id', 'is', null).limit(limit),
      )
      .where('patient_id', 'is', null)
      .returning('file_name')
      .execute();
    return rows.map((row) => row.file_name);
  }
}
