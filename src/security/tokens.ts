import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../http/errors.js';
import type { SessionFamily } from '../db/schema.js';

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

/** HS256 only: the algorithm is pinned on verification, so `none` and RS/HS confusion fail. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(secret: string, readonly ttlSeconds: number) {
    this.key = new TextEncoder().encode(secret);
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
      .sign(this.key);
    return { token, sessionId, expiresAt };
  }

  /**
   * @param graceSeconds how long after expiry the token is still accepted (refresh only).
   */
  async verify(family: SessionFamily, token: string, graceSeconds = 0): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
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

