import { AppError } from '../../http/errors.js';
import { auditActorOf, nowSeconds, staffOf } from '../../http/request-context.js';
import { StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { extractStaffToken } from './guard.js';
import { LoginBody, LogoutResponse, TokenResponse } from './schemas.js';
import type { StaffAuthService } from './service.js';

export function registerStaffAuthRoutes(app: TypedApp, service: StaffAuthService): void {
  app.post('/token', {
    schema: {
      tags: ['staff: token'],
      summary: 'Sign in (seed 004): username + password -> token',
      description:
        'Errors: 40036 missing username/password, 40035 not in the allowed format, 46004 no such user, 46005 wrong password, ' +
        '42901 locked after repeated failures, or while the last allowed checks are still in flight (Retry-After: what is left of the lock), 40301 account disabled.',
      body: LoginBody,
      response: withErrors('staff', { 200: TokenResponse }, [400, 401, 403, 429]),
    },
    config: { access: 'public', credentialErrors: true },
    handler: async (request) => {
      const token = await service.login(
        request.body.username,
        request.body.password,
        auditActorOf(request, request.body.username),
        nowSeconds(),
      );
      return { token };
    },
  });

  app.patch('/token', {
    schema: {
      tags: ['staff: token'],
      summary: 'Refresh (seed 004): a valid or recently expired token -> a new token; the old one is revoked',
      description:
        'The token may be expired for at most REFRESH_WINDOW_SECONDS. Each token can be refreshed once. ' +
        'Errors: 41001 missing token, 40014 invalid or already refreshed, 42001 expired beyond the refresh window.',
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: TokenResponse }, [400, 401, 403]),
    },
    config: { access: 'public' },
    handler: async (request) => {
      const presented = extractStaffToken(request);
      if (!presented) throw new AppError('token_missing');
      const token = await service.refresh(presented, auditActorOf(request), nowSeconds());
      return { token };
    },
  });

  app.delete('/token', {
    schema: {
      tags: ['staff: token'],
      summary: 'Sign out: revokes the presented token at once (not in the seed; same conventions)',
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: LogoutResponse }, [401]),
    },
    config: { access: 'authenticated' },
    handler: async (request) => {
      const staff = staffOf(request);
      await service.logout(staff.sessionId, auditActorOf(request), nowSeconds());
      return { revoked: true };
    },
  });
}
