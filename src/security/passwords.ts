import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's minimum (19 MiB, 2 iterations, parallelism 1). @node-rs/argon2 runs
 * the work on libuv's thread pool, so hashing never blocks the event loop.
 */
const ARGON2ID = 2; // Algorithm.Argon2id; the package exports it as a const enum, which type-stripping cannot inline.
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification when there is no account to check, so the
 * response time does not tell whether a username or phone exists.
 */
export async function verifyAgainstNoAccount(password: string): Promise<false> {
  dummyHash ??= hashPassword('carepool-no-such-account');
  await verifyPassword(await dummyHash, password);
  return false;
}
