import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { LoginThrottleRepository, type ReservedSlot } from './login-throttle-repository.js';

/**
 * Password-guess throttling kept in the database, so every instance behind a load balancer
 * shares the counters. An account key allows a few checks per window, an IP key many (one
 * address spraying many accounts). A lock lasts at most LOCK_SECONDS and is not extended by
 * attempts made while locked, so an attacker cannot keep a real user out for longer than
 * that at a time.
 *
 * A check is paid for before the password is verified: the slot is reserved first (one
 * atomic statement per key), then the password checked, then the slot kept (a failure) or
 * given back (a success). So requests sent at once, to one instance or to several, can never
 * verify more passwords than the limits allow: once the slots are taken, by failures or by
 * checks still in flight, the next request is refused before any verification.
 */
export const WINDOW_SECONDS = 15 * 60;
export const LOCK_SECONDS = 15 * 60;

export const ACCOUNT_FAILURE_LIMIT = 5;
export const IP_FAILURE_LIMIT = 30;

export type ThrottleScope = 'account' | 'ip';

export interface ThrottleKey {
  key: string;
  limit: number;
  scope: ThrottleScope;
}

export interface SignInKeys {
  account: ThrottleKey;
  ip: ThrottleKey;
}

/** Staff and patients count apart: the same string may be a username in one and a phone in the other. */
export function loginThrottleKeys(family: 'staff' | 'patient', account: string, ip: string): SignInKeys {
  return {
    account: { key: `${family}:account:${account.toLowerCase()}`, limit: ACCOUNT_FAILURE_LIMIT, scope: 'account' },
    ip: { key: `${family}:ip:${ip}`, limit: IP_FAILURE_LIMIT, scope: 'ip' },
  };
}

export interface PasswordCheck {
  matches: boolean;
  /** The keys this failed check locked, for the audit log (empty when it matched). */
  locked: ThrottleScope[];
}

/** The password check itself: true when it matches. Runs only once the slots are reserved. */
export type VerifyPassword = () => Promise<boolean>;

interface HeldSlot {
  key: ThrottleKey;
  slot: ReservedSlot;
}

export class LoginThrottle {
  private readonly repository: LoginThrottleRepository;

  constructor(private readonly db: Kysely<Database>) {
    this.repository = new LoginThrottleRepository(db);
  }

  /**
   * Sign-in: reserves a check on the account and on the caller's address (429 with
   * Retry-After when either has none left), verifies, and settles. A match forgets the
   * account's failures and gives back only its own address slot (an address's failures are
   * never forgotten by a success).
   */
  checkSignIn(keys: SignInKeys, now: number, verify: VerifyPassword): Promise<PasswordCheck> {
    return this.check([keys.account, keys.ip], now, verify, keys.account);
  }

  /**
   * A signed-in user confirming their password (changing it): the check counts against the
   * account's sign-in lock, so a stolen token cannot be used to guess the password. A match
   * gives the slot back.
   */
  checkPasswordConfirmation(account: ThrottleKey, now: number, verify: VerifyPassword): Promise<PasswordCheck> {
    return this.check([account], now, verify, undefined);
  }

  /**
   * Lifts an account's lock and forgets its failures: after a password reset by a proven phone
   * or by staff at the desk (an address's failures are never forgotten this way).
   */
  forgetAccount(account: ThrottleKey): Promise<void> {
    return this.repository.forget(account.key);
  }

  /** Until when an account's sign-in is locked, if it is. */
  async lockedUntil(account: ThrottleKey, now: number): Promise<number | null> {
    const row = await this.repository.state(this.db, account.key);
    const until = row?.locked_until == null ? null : Number(row.locked_until);
    return until !== null && until > now ? until : null;
  }

  /** Rows whose failure window and lock have both passed. */
  purgeStale(now: number): Promise<number> {
    return this.repository.purgeStale(now, WINDOW_SECONDS);
  }

  private async check(
    keys: ThrottleKey[],
    now: number,
    verify: VerifyPassword,
    forgetOnSuccess: ThrottleKey | undefined,
  ): Promise<PasswordCheck> {
    const held = await this.reserve(keys, now);
    let matches: boolean;
    try {
      matches = await verify();
    } catch (error) {
      // No verdict: the slots were not used up by a wrong password.
      await Promise.allSettled(held.map(({ key, slot }) => this.repository.refund(key.key, key.limit, slot)));
      throw error;
    }
    if (matches) {
      for (const { key, slot } of held) {
        if (key === forgetOnSuccess) await this.repository.forget(key.key);
        else await this.repository.refund(key.key, key.limit, slot);
      }
      return { matches, locked: [] };
    }
    // The failure keeps its slots. The one that took a key's last slot began its lock.
    const locked: ThrottleScope[] = [];
    for (const { key, slot } of held) {
      if (slot.filledTheKey && (await this.repository.lockStands(key.key, slot, now))) locked.push(key.scope);
    }
    return { matches, locked };
  }

  /**
   * One slot on every key, or none at all: the keys are reserved in one transaction (account
   * before address, the same order everywhere, so two transactions never wait on each other
   * in a cycle), and a refusal on any key rolls back the others.
   */
  private reserve(keys: ThrottleKey[], now: number): Promise<HeldSlot[]> {
    return this.db.transaction().execute(async (trx) => {
      const held: HeldSlot[] = [];
      for (const key of keys) {
        const slot = await this.repository.reserve(trx, key.key, key.limit, now, WINDOW_SECONDS, LOCK_SECONDS);
        if (!slot) throw await this.refusal(trx, key, now);
        held.push({ key, slot });
      }
      return held;
    });
  }

  /**
   * 429 with the wait until the key frees up. Its last slot set the lock, so a full key is a
   * locked one, whether its slots were spent by failures or are held by checks still in
   * flight: the wait is what is left of that lock (shorter only if one of those checks
   * succeeds and gives its slot back).
   */
  private async refusal(trx: Transaction<Database>, key: ThrottleKey, now: number): Promise<AppError> {
    const row = await this.repository.state(trx, key.key);
    let until = now + 1; // freed in the meantime: retry at once
    if (row?.locked_until != null && row.locked_until > now) until = row.locked_until;
    else if (row && row.failures >= key.limit) until = row.window_started_at + WINDOW_SECONDS;
    const retryAfterSeconds = Math.max(1, until - now);
    return new AppError('too_many_attempts', `登录失败次数过多，请 ${Math.ceil(retryAfterSeconds / 60)} 分钟后再试`, {
      retryAfterSeconds,
    });
  }
}
