import type { AuditActor } from '../../domain/audit.js';
import type { ClinicClock } from '../../domain/clinic-time/clinic-clock.js';
import { canSeeFullPhone } from '../../domain/patient-scope.js';
import { isWholePhoneNumber, maskPhone } from '../../domain/phone.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { AppError } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import type { PhoneLookupRepository } from './phone-lookup-repository.js';

/** Where a whole number was looked up: the audit row says it. */
export type PhoneLookupPurpose = 'list' | 'export' | 'duplicates' | 'create' | 'update' | 'import';

/** An import's audit row names this many of its numbers (masked); `phones` counts them all. */
const AUDIT_TELS_LISTED = 100;

/**
 * Whole phone numbers looked up by a caller who sees phones masked (issue 14). Any answer about a
 * whole number (found in the list, a duplicate, a 409 on registration or on an edit, a duplicate
 * line of an import) tells whether a guess is some patient's phone; with the first three and last
 * four digits shown, 10,000 guesses would find any of them. So each such number is counted
 * before it is looked up, hit or miss, against PHONE_LOOKUP_DAILY_LIMIT per staff account and
 * clinic day, and audited (patient.phone_lookup: purpose and masked number, never the number);
 * past the limit the request is refused with 429 (42903) until the next clinic day, and the
 * refusal is audited too. A caller who sees full phones is neither counted nor audited here.
 */
export class PhoneLookups {
  constructor(
    private readonly core: CoreServices,
    private readonly repository: PhoneLookupRepository,
    private readonly clock: ClinicClock,
  ) {}

  /** A keyword that is a whole number is a lookup for such a caller (keyword-search.ts matches it on the tel). */
  async reserveKeyword(
    staff: StaffPrincipal,
    actor: AuditActor,
    keyword: string | undefined,
    purpose: 'list' | 'export',
    now: number,
  ): Promise<void> {
    const trimmed = keyword?.trim();
    if (trimmed && isWholePhoneNumber(trimmed)) await this.reserve(staff, actor, { purpose, tels: [trimmed] }, now);
  }

  /**
   * Counts the distinct `tels` as lookups of today, or refuses them all (429) when they would pass
   * the day's limit; audited either way. Must not run inside another transaction (on SQLite it
   * would wait for its own connection), and the count must stand when the lookup then fails.
   */
  async reserve(
    staff: StaffPrincipal,
    actor: AuditActor,
    lookup: { purpose: PhoneLookupPurpose; tels: Iterable<string>; targetId?: number },
    now: number,
  ): Promise<void> {
    if (canSeeFullPhone(staff)) return;
    const tels = [...new Set(lookup.tels)];
    if (tels.length === 0) return;
    const limit = this.core.config.phoneLookupDailyLimit;
    const { today, dayEnd } = this.clock.periodsAround(now);
    const event = {
      action: 'patient.phone_lookup' as const,
      targetType: 'patient',
      ...(lookup.targetId === undefined ? {} : { targetId: lookup.targetId }),
    };
    const details = {
      purpose: lookup.purpose,
      phones: tels.length,
      ...(tels.length === 1 ? { tel: maskPhone(tels[0]!) } : { tels: tels.slice(0, AUDIT_TELS_LISTED).map(maskPhone) }),
      dailyLimit: limit,
    };
    const counted = await this.core.db.transaction().execute(async (trx) => {
      const lookupsToday = await this.repository.reserve(staff.id, today, tels.length, limit, trx);
      if (lookupsToday !== null)
        await this.core.audit.record(actor, { ...event, details: { ...details, lookupsToday } }, trx);
      return lookupsToday;
    });
    if (counted !== null) return;
    const used = await this.repository.used(staff.id, today);
    await this.core.audit.record(actor, { ...event, outcome: 'failure', details: { ...details, lookupsToday: used } });
    const remaining = Math.max(0, limit - used);
    const message =
      lookup.purpose === 'import'
        ? `导入文件含 ${tels.length} 个不同的手机号，超过今日剩余的完整手机号查询次数（剩余 ${remaining} 次，每日 ${limit} 次）：整个文件未处理，请明天再试或减少文件中的手机号`
        : `今日查询完整手机号的次数已达上限（每日 ${limit} 次），请明天再试`;
    throw new AppError('phone_lookup_limited', message, {
      retryAfterSeconds: dayEnd + 1 - now,
      extra: { dailyLimit: limit, remaining },
    });
  }
}
