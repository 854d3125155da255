import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { SessionFamily } from '../db/schema.js';
import { AppError } from '../http/errors.js';

const ISSUER = 'carepool';
const AUDIENCE: Record<SessionFamily, string> = { staff: 'carepool-staff', patient: 'carepool-patient' };
/** The header `typ` differs per family too, so a token of one family never verifies as the other. */
const TOKEN_TYPE: Record<SessionFamily, string> = { staff: 'carepool-staff+jwt', patient: 'carepool-patient+jwt' };

export interface IssuedToken {
  token: string;
  sessionId: string;
  expiresAt: number;
}

export interface VerifiedToken {
  sessionId: string;
  subjectId: number;
  expiresAt: number;
}

/** Verified tokens remembered at most; the oldest is forgotten first. */
const MAX_REMEMBERED_TOKENS = 10_000;

interface RememberedToken extends VerifiedToken {
  family: SessionFamily;
}

/**
 * HS256 only: the algorithm is pinned on verification, so `none` and RS/HS confusion fail.
 *
 * A token that verified once is remembered by its exact text until it expires: signature
 * and claims cannot change, so checking them again on every request only burned CPU (18%
 * of an authenticated request, mostly WebCrypto key import). A forged or altered token is
 * a different text and is verified in full. Revocation is not a property of the token: the
 * callers check the session row on every request, cached or not.
 */
export class TokenService {
  private readonly key: Promise<CryptoKey>;
  private readonly remembered = new Map<string, RememberedToken>();

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    // Imported once: given raw bytes, jose imports the key again on every sign and verify.
    this.key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
  }

  async issue(family: SessionFamily, subjectId: number, now: number): Promise<IssuedToken> {
    const sessionId = randomUUID();
    const expiresAt = now + this.ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: TOKEN_TYPE[family] })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE[family])
      .setSubject(String(subjectId))
      .setJti(sessionId)
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .sign(await this.key);
    return { token, sessionId, expiresAt };
  }

  /**
   * @param graceSeconds how long after expiry the token is still accepted (refresh only).
   */
  async verify(family: SessionFamily, token: string, graceSeconds = 0): Promise<VerifiedToken> {
    const remembered = this.remembered.get(token);
    if (remembered && remembered.family === family) {
      // jose's rule: expired once exp <= now - tolerance.
      if (remembered.expiresAt <= Math.floor(Date.now() / 1000) - graceSeconds) throw new AppError('token_expired');
      return { sessionId: remembered.sessionId, subjectId: remembered.subjectId, expiresAt: remembered.expiresAt };
    }
    const verified = await this.verifyInFull(family, token, graceSeconds);
    if (this.remembered.size >= MAX_REMEMBERED_TOKENS) this.remembered.delete(this.remembered.keys().next().value!);
    this.remembered.set(token, { family, ...verified });
    return verified;
  }

  private async verifyInFull(family: SessionFamily, token: string, graceSeconds: number): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE[family],
        typ: TOKEN_TYPE[family],
        clockTolerance: graceSeconds,
        requiredClaims: ['jti', 'sub', 'exp', 'iat'],
      });
      const subjectId = Number(payload.sub);
      if (!Number.isSafeInteger(subjectId) || typeof payload.jti !== 'string') throw new AppError('token_invalid');
      return { sessionId: payload.jti, subjectId, expiresAt: payload.exp as number };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new AppError('token_expired');
      throw new AppError('token_invalid');
    }
  }
}
