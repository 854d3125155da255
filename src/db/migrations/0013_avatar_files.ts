import type { Kysely, Migration } from 'kysely';

/*
 * Which patient each stored avatar file belongs to (issue 14, item 4). Until now the portal took
 * any /uploads/avatars/<name> as a patient's avatar_url, and an upload deleted whatever file the
 * stored URL named: patient A could point their record at B's file and have the server delete
 * it. From here on a patient may point avatar_url only at a file stored for them, and replacing
 * or clearing an avatar deletes only the patient's own files (src/features/avatars/).
 *
 * avatar_files: one row per stored file. patient_id becomes null when the record is purged from
 * the recycle bin (on delete set null, so the purge never stops on this table): the file is then
 * no longer served and is deleted from disk by the next upload's sweep.
 *
 * Existing avatars: an /uploads/avatars/ URL on a record is that patient's, recycle bin
 * included. Where several records name one file (the attack already happened), the file
 * belongs to the patient the audit log shows uploading it (portal.avatar_upload names the
 * file); without such an entry it belongs to none of them, so that no one's change can delete
 * it. Names outside the stored pattern and external URLs get no row: no file of ours to own.
 * (The pattern and prefix are copied here, not imported, so that this migration stays as it ran.)
 */
const URL_PREFIX = '/uploads/avatars/';
const STORED_NAME = /^[a-f0-9]{32}\.(png|jpg|webp)$/;
const INSERT_CHUNK = 500;

async function uploaderOf(db: Kysely<any>, fileName: string): Promise<number | undefined> {
  // Names are hex and an extension: nothing in them is a LIKE wildcard.
  const row = await db
    .selectFrom('audit_log')
    .select('target_id')
    .where('action', '=', 'portal.avatar_upload')
    .where('details', 'like', `%"file":"${fileName}"%`)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.target_id ? Number(row.target_id) : undefined;
}

async function backfill(db: Kysely<any>): Promise<void> {
  const records: { id: number; avatar_url: string }[] = await db
    .selectFrom('patients')
    .select(['id', 'avatar_url'])
    .where('avatar_url', 'like', `${URL_PREFIX}%`)
    .orderBy('id')
    .execute();
  const claimants = new Map<string, number[]>();
  for (const record of records) {
    const fileName = record.avatar_url.slice(URL_PREFIX.length);
    if (STORED_NAME.test(fileName)) claimants.set(fileName, [...(claimants.get(fileName) ?? []), record.id]);
  }
  const now = Math.floor(Date.now() / 1000);
  const rows: { file_name: string; patient_id: number; created_at: number }[] = [];
  for (const [fileName, patientIds] of claimants) {
    const owner = patientIds.length === 1 ? patientIds[0] : await uploaderOf(db, fileName);
    if (owner !== undefined && patientIds.includes(owner))
      rows.push({ file_name: fileName, patient_id: owner, created_at: now });
  }
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await db
      .insertInto('avatar_files')
      .values(rows.slice(start, start + INSERT_CHUNK))
      .execute();
  }
}

export function avatarFilesMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('avatar_files')
        .addColumn('file_name', 'text', (column) => column.primaryKey())
        .addColumn('patient_id', 'integer', (column) => column.references('patients.id').onDelete('set null'))
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();
      // A patient's files (release on replace) and the purged records' files (sweep, patient_id null).
      await db.schema.createIndex('avatar_files_patient_idx').on('avatar_files').column('patient_id').execute();
      await backfill(db);
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('avatar_files').execute();
    },
  };
}
