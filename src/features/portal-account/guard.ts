import type { FastifyRequest } from 'fastify';
import { AppError } from '../../http/errors.js';
import type { TokenService } from '../../security/tokens.js';
import type { PortalAccountRepository } from './repository.js';

/** Portal routes take `Authorization: Bearer` only; a staff token fails its audience check. */
export class PatientGuard {
  constructor(
    private readonly tokens: TokenService,
    private readonly accounts: PortalAccountRepository,
  ) {}

  readonly authenticate = async (request: FastifyRequest): Promise<void> => {
    const access = request.routeOptions.config.access;
    if (access === undefined) throw new AppError('permission_denied');
    if (access === 'public') return;
    if (access !== 'patient') throw new AppError('permission_denied');
    const header = request.headers.authorization;
    const token =
      typeof header === 'string' && /^Bearer\s+\S/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : '';
    if (!token) throw new AppError('token_missing', '未登录或缺少令牌');
    const verified = await this.tokens.verify('patient', token);
    const principal = await this.accounts.findPrincipalBySession(verified.sessionId);
    if (!principal || principal.account_id !== verified.subjectId)
      throw new AppError('token_invalid', '登录已失效，请重新登录');
    const { account_id: accountId, patient_id: patientId, ...profile } = principal;
    request.patientPrincipal = { accountId, patientId, sessionId: verified.sessionId, profile };
  };
}
