import { randomBytes } from 'node:crypto';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files that belong to a patient's record (visit-note attachments, consultation images), on local
 * disk under <DATA_DIR>/private/<folder>/: a folder no route serves as such, each file named by
 * 128 random bits. Only scoped routes read a file, by the name the database holds for a record the
 * caller may see. The type comes from the first bytes, never from the name or the declared type.
 */
export type PrivateFileType = 'png' | 'jpg' | 'webp' | 'pdf';

export const PRIVATE_FILE_CONTENT_TYPES: Record<PrivateFileType, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  pdf: 'application/pdf',
};

const FILE_NAME_PATTERN = /^[a-f0-9]{32}\.(png|jpg|webp|pdf)$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** JPEG, PNG, WebP or PDF by magic bytes; null for anything else. */
export function detectFileType(bytes: Buffer): PrivateFileType | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return 'webp';
  if (bytes.length >= 5 && bytes.toString('latin1', 0, 5) === '%PDF-') return 'pdf';
  return null;
}

export class PrivateFileStore {
  readonly folder: string;

  constructor(dataDir: string, folderName: string) {
    this.folder = path.join(dataDir, 'private', folderName);
  }

  async save(bytes: Buffer, type: PrivateFileType): Promise<string> {
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    const fileName = `${randomBytes(16).toString('hex')}.${type}`;
    await writeFile(path.join(this.folder, fileName), bytes, { flag: 'wx', mode: 0o600 });
    return fileName;
  }

  /** undefined for a name outside the pattern or a missing file. */
  async read(fileName: string): Promise<Buffer | undefined> {
    if (!FILE_NAME_PATTERN.test(fileName)) return undefined;
    try {
      return await readFile(path.join(this.folder, fileName));
    } catch {
      return undefined;
    }
  }

  /** Best effort; a name outside the pattern is never touched. */
  async removeAll(fileNames: readonly string[]): Promise<void> {
    for (const fileName of fileNames) {
      if (FILE_NAME_PATTERN.test(fileName)) await unlink(path.join(this.folder, fileName)).catch(() => undefined);
    }
  }
}
