import type { Kysely } from 'kysely';
import type { Database, SessionFamily } from '../db/schema.js';

/** Issued tokens (by `jti`). SQL for sessions lives here and nowhere else. */
export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(
    session: { id: string; family: SessionFamily; subjectId: number; createdAt: number; expiresAt: number },
    db = this.db,
  ): Promise<void> {
    await db
      .insertInto('auth_sessions')
      .values({
        id: session.id,
        family: session.family,
        subject_id: session.subjectId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        revoked_at: null,
      })
      .execute();
  }

  /**
   * Revokes one session if it is still live. Returns false when it was already revoked,
   * which is how a token refreshed twice (or by two racing requests) is caught.
   */
  async revoke(family: SessionFamily, sessionId: string, now: number, db = this.db): Promise<boolean> {
    const result = await db
      .updateTable('auth_sessions')
      .set({ revoked_at: now })
      .where('id', '=', sessionId)
      .where('family', '=', family)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Password change, account disable or delete: every token of the subject stops working. */
  async revokeAllOf(
    family: SessionFamily,
    subjectId: number,
    now: number,
    db = this.db,
    exceptSessionId?: string,
  ): Promise<void> {
    let query = db
      .updateTable('auth_sessions')
      .set({ revoked_at: now })
      .where('family', '=', family)
      .where('subject_id', '=', subjectId)
      .where('revoked_at', 'is', null);
    if (exceptSessionId) query = query.where('id', '!=', exceptSessionId);
    await query.execute();
  }

  async isLive(family: SessionFamily, sessionId: string, db = this.db): Promise<boolean> {
    const row = await db
      .selectFrom('auth_sessions')
      .select('id')
      .where('id', '=', sessionId)
      .where('family', '=', family)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Housekeeping: sessions past their refresh deadline can no longer be used at all. */
  async purgeExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('auth_sessions').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
