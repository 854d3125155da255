import type { Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { invalidField } from '../../../http/errors.js';
import type { AvatarFileRepository } from './repository.js';
import { AVATAR_URL_PREFIX, type AvatarStorage, storedFileName } from './storage.js';

/** How many files of purged records one sweep deletes: a sweep rides on an upload and stays short. */
const SWEEP_BATCH = 50;

const invalidAvatar = (reason: string) => invalidField('avatar_url', reason);

/**
 * The rules of a patient's avatar. The server shows and deletes only files it stored, and only
 * for the patient it stored them for (avatar_files): a patient may set avatar_url to such a
 * file, clear it, or resend the value it already has (an external URL kept from before 0013
 * included), nothing else. Any change releases the patient's other files, which are deleted
 * from disk once the change is committed, so a patient keeps one file at most.
 */
export class AvatarFiles {
  constructor(
    private readonly repository: AvatarFileRepository,
    private readonly storage: AvatarStorage,
  ) {}

  /**
   * In the profile save's transaction, before the record is written: refuses a value the
   * patient may not set (400 naming avatar_url; another patient's file and a name never stored
   * answer alike) and answers the files to delete after the commit.
   */
  async checkProfileValue(patientId: number, requested: string | null, trx: Transaction<Database>): Promise<string[]> {
    const current = await this.repository.lockAvatarUrl(patientId, trx);
    const keep = requested === null ? null : storedFileName(requested);
    if (requested !== null && requested !== current) {
      if (!requested.startsWith(AVATAR_URL_PREFIX)) throw invalidAvatar('不支持外部图片地址，请上传头像图片');
      if (keep === null || !(await this.repository.isOwnedBy(keep, patientId, trx)))
        throw invalidAvatar('只能使用本人上传的头像');
    }
    return this.repository.releaseAllBut(patientId, keep, trx);
  }

  /** In the upload's transaction, before the record is written: the new file is the patient's, the others are released. */
  async adoptUpload(patientId: number, fileName: string, now: number, trx: Transaction<Database>): Promise<string[]> {
    await this.repository.lockAvatarUrl(patientId, trx);
    await this.repository.record(fileName, patientId, now, trx);
    return this.repository.releaseAllBut(patientId, fileName, trx);
  }

  /** After the commit: deletes the released files from disk (best effort; a leftover is no longer served). */
  async removeReleased(fileNames: readonly string[]): Promise<void> {
    await this.storage.removeAll(fileNames);
  }

  /** Deletes from disk the files of records purged from the recycle bin (the purge itself only marks them); answers how many. */
  async sweepPurged(): Promise<number> {
    const fileNames = await this.repository.releasePurged(SWEEP_BATCH);
    await this.storage.removeAll(fileNames);
    return fileNames.length;
  }

  /** Served while it belongs to a record: never a file the server no longer attributes, nor one of a purged record. */
  isServed(fileName: string): Promise<boolean> {
    return this.repository.isServed(fileName);
  }
}
