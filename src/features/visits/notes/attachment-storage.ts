import { PrivateFileStore } from '../../../domain/private-files.js';

export const NOTE_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;

/** Visit-note attachments: DATA_DIR/private/visit-notes (src/domain/private-files.ts says how files are kept). */
export class NoteAttachmentStorage extends PrivateFileStore {
  constructor(dataDir: string) {
    super(dataDir, 'visit-notes');
  }
}
