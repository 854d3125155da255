import { randomBytes } from 'node:crypto';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Avatar files on local disk under <DATA_DIR>/uploads/avatars/, named by 128 random bits
 * so that names can be neither guessed nor chosen by the uploader. The type comes from the
 * file's first bytes, never from its name or declared Content-Type.
 */
export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;
export const AVATAR_URL_PREFIX = '/uploads/avatars/';
export const AVATAR_FILE_PATTERN = /^[a-f0-9]{32}\.(png|jpg|webp)$/;

/** The stored file an avatar URL names (/uploads/avatars/<name>), or null for any other value. */
export function storedFileName(url: string): string | null {
  if (!url.startsWith(AVATAR_URL_PREFIX)) return null;
  const fileName = url.slice(AVATAR_URL_PREFIX.length);
  return AVATAR_FILE_PATTERN.test(fileName) ? fileName : null;
}

export type AvatarExtension = 'png' | 'jpg' | 'webp';

export const CONTENT_TYPE_BY_EXTENSION: Record<AvatarExtension, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function detectImageType(bytes: Buffer): AvatarExtension | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return 'webp';
  return null;
}

export class AvatarStorage {
  readonly folder: string;

  constructor(dataDir: string) {
    this.folder = path.join(dataDir, 'uploads', 'avatars');
  }

  /** Writes the file and answers its public path (/uploads/avatars/<name>). */
  async save(bytes: Buffer, extension: AvatarExtension): Promise<{ fileName: string; url: string }> {
    await mkdir(this.folder, { recursive: true });
    const fileName = `${randomBytes(16).toString('hex')}.${extension}`;
    await writeFile(path.join(this.folder, fileName), bytes, { flag: 'wx', mode: 0o644 });
    return { fileName, url: `${AVATAR_URL_PREFIX}${fileName}` };
  }

  /** Reads a stored avatar; undefined for a name outside the pattern or a missing file. */
  async read(fileName: string): Promise<{ bytes: Buffer; contentType: string } | undefined> {
    const match = AVATAR_FILE_PATTERN.exec(fileName);
    if (!match) return undefined;
    try {
      const bytes = await readFile(path.join(this.folder, fileName));
      return { bytes, contentType: CONTENT_TYPE_BY_EXTENSION[match[1] as AvatarExtension] };
    } catch {
      return undefined;
    }
  }

  /** Best effort: removes a file we stored earlier (a replaced avatar, or one whose save failed). */
  async remove(url: string | null): Promise<void> {
    const fileName = url === null ? null : storedFileName(url);
    if (fileName !== null) await this.removeAll([fileName]);
  }

  /** Best effort: removes stored files by name; a name outside the pattern is never touched. */
  async removeAll(fileNames: readonly string[]): Promise<void> {
    for (const fileName of fileNames) {
      if (AVATAR_FILE_PATTERN.test(fileName)) await unlink(path.join(this.folder, fileName)).catch(() => undefined);
    }
  }
}
