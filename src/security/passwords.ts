import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's minimum (19 MiB, 2 iterations, parallelism 1). @node-rs/argon2 runs
 * the work on libuv's thread pool, so hashing never blocks the event loop.
 */
const ARGON2ID = 2; // Algorithm.Argon2id; the package exports it as a const enum, which type-stripping cannot inline.
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/*
 * At most cores - 1 hashes at once. The thread pool has 4 threads: on a 2-core machine 4
 * concurrent hashes took both cores from the event loop, and a login storm (50 at once)
 * raised the patient list's p99 eightfold (bench). Queued sign-ins wait a little longer;
 * every other request keeps a core.
 */
const MAX_CONCURRENT_HASHES = Math.max(1, availableParallelism() - 1);
let hashesRunning = 0;
const waitingForHash: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashesRunning >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waitingForHash.push(resolve));
  else hashesRunning += 1;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, so the count never dips between them.
    const next = waitingForHash.shift();
    if (next) next();
    else hashesRunning -= 1;
  }
}

export function hashPassword(password: string): Promise<string> {
  return withHashSlot(() => hash(password, OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await withHashSlot(() => verify(passwordHash, password));
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
