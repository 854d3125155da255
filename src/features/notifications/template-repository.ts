import type { Kysely, Selectable } from 'kysely';
import type { Database, Executor, NotificationTemplatesTable } from '../../db/schema.js';

export type TemplateRecord = Selectable<NotificationTemplatesTable>;

/** The message templates an administrator edits. */
export class TemplateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list() {
    return this.db
      .selectFrom('notification_templates as t')
      .leftJoin('staff_users as u', 'u.id', 't.updated_by')
      .selectAll('t')
      .select('u.username as updated_by_username')
      .orderBy('t.event')
      .orderBy('t.language')
      .orderBy('t.channel')
      .execute();
  }

  find(id: number, db: Executor = this.db) {
    return db
      .selectFrom('notification_templates as t')
      .leftJoin('staff_users as u', 'u.id', 't.updated_by')
      .selectAll('t')
      .select('u.username as updated_by_username')
      .where('t.id', '=', id)
      .executeTakeFirst();
  }

  async update(
    id: number,
    changes: Pick<TemplateRecord, 'subject' | 'body' | 'provider_template' | 'sign_name' | 'updated_at' | 'updated_by'>,
    db: Executor,
  ): Promise<void> {
    await db.updateTable('notification_templates').set(changes).where('id', '=', id).execute();
  }
}
