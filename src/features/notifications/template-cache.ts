import type { Executor, NotificationLanguage } from '../../db/schema.js';
import type { RecipientsRepository, TemplateRow } from './recipients-repository.js';

/** How long another instance may keep rendering with a template an administrator has just edited. */
export const TEMPLATE_CACHE_MS = 10_000;

/**
 * The templates of each (event, language), kept for TEMPLATE_CACHE_MS: every booking renders
 * them, and they change a few times a year. An edit clears this instance's copy at once; other
 * instances see it within TEMPLATE_CACHE_MS (docs/messages.md). Saves a booking one round trip.
 */
export class TemplateCache {
  private readonly entries = new Map<string, { rows: TemplateRow[]; loadedAt: number }>();

  constructor(private readonly recipients: RecipientsRepository) {}

  async templatesFor(
    events: readonly string[],
    languages: readonly NotificationLanguage[],
    db: Executor,
  ): Promise<TemplateRow[]> {
    const now = Date.now();
    const keys = [...new Set(events)].flatMap((event) =>
      [...new Set(languages)].map((language) => ({ event, language })),
    );
    const fresh = (key: string) => {
      const entry = this.entries.get(key);
      return entry !== undefined && now - entry.loadedAt < TEMPLATE_CACHE_MS;
    };
    if (!keys.every(({ event, language }) => fresh(`${event}|${language}`))) {
      const rows = await this.recipients.templatesFor(
        keys.map((key) => key.event),
        keys.map((key) => key.language),
        db,
      );
      for (const { event, language } of keys)
        this.entries.set(`${event}|${language}`, {
          rows: rows.filter((row) => row.event === event && row.language === language),
          loadedAt: now,
        });
    }
    return keys.flatMap(({ event, language }) => this.entries.get(`${event}|${language}`)?.rows ?? []);
  }

  clear(): void {
    this.entries.clear();
  }
}
