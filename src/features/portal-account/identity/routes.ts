import { Type } from 'typebox';
import { portalOk } from '../../../http/envelopes.js';
import { AppError } from '../../../http/errors.js';
import { auditActorOf, nowSeconds, patientOf } from '../../../http/request-context.js';
import { portalSuccessSchema, withErrors } from '../../../http/schemas.js';
import type { TypedApp } from '../../../http/typed-app.js';
import type { PortalAccountRepository } from '../repository.js';
import {
  ClaimBody,
  ClaimData,
  CodeRequestBody,
  CodeSentData,
  PasswordResetBody,
  PhoneCodeBody,
  RegisterBody,
} from '../schemas.js';
import type { IdentityService } from './identity-service.js';
import type { VerificationCodes } from './verification-codes.js';

const TAG = 'portal: account';
const NullData = portalSuccessSchema(Type.Null());
const CODE_LIMITS =
  'Limits: one code per phone per 60 s, a daily cap per phone (VERIFICATION_DAILY_LIMIT_PER_PHONE, default 10) and per ' +
  'client address (VERIFICATION_DAILY_LIMIT_PER_IP, default 50); past them 429 (42902) with Retry-After. A code lives ' +
  '5 minutes, allows 5 checks (then 429 42901: request a new one) and is used once; a new code replaces the previous.';

export interface IdentityDependencies {
  identity: IdentityService;
  codes: VerificationCodes;
  accounts: PortalAccountRepository;
}

/** Registration, verification codes, claiming the clinic's record, password recovery and the new-phone code. */
export function registerIdentityRoutes(app: TypedApp, { identity, codes, accounts }: IdentityDependencies): void {
  app.post('/register', {
    schema: {
      tags: [TAG],
      summary: 'Register (seed 000): phone, password (8-128), name; optionally a code proving the phone',
      description:
        'Without code (as seed 000 documents it): the account gets a pool record of its own (channel 患者端自助注册), ' +
        'whether or not the clinic already holds a record for this phone: the answer is the same either way, and nothing ' +
        'staff entered is shown to the account or changed. Such an account is unverified (GET /patient: phone_verified ' +
        "false) until it proves the phone with POST /patient/claim, which then brings it to the clinic's record. " +
        'With code (purpose register, POST /patient/verification-codes): the account is verified and attached at once to ' +
        'the record the clinic holds for the phone, if any. A phone that already has an account answers 409 (its owner ' +
        'recovers it with POST /patient/password/reset). A wrong code answers 400 naming code.',
      body: RegisterBody,
      response: withErrors('portal', { 200: NullData }, [400, 409, 413, 415, 429]),
    },
    config: { access: 'public' },
    handler: async (request) => {
      await identity.register(request.body, auditActorOf(request), nowSeconds());
      return portalOk(null, '注册成功');
    },
  });

  app.post('/verification-codes', {
    schema: {
      tags: [TAG],
      summary: 'Send a six-digit code by SMS to a phone (purpose register, claim or reset)',
      description:
        'Answers the same for any valid mobile number, known to the clinic or not, with an account or not: a code is ' +
        `stored and an SMS queued either way, so the answer tells no one who is a patient. ${CODE_LIMITS} ` +
        'The SMS is a security message: patients cannot turn it off. With NOTIFY_SMS=log it is only stored (the back ' +
        "office's delivery log shows it with the code masked).",
      body: CodeRequestBody,
      response: withErrors('portal', { 200: portalSuccessSchema(CodeSentData) }, [400, 429]),
    },
    config: { access: 'public' },
    handler: async (request) =>
      portalOk(
        await codes.request(
          {
            phone: request.body.phone,
            purpose: request.body.purpose,
            accountId: null,
            language: request.body.language ?? 'zh-CN',
          },
          auditActorOf(request),
          nowSeconds(),
        ),
        '验证码已发送',
      ),
  });

  app.post('/claim', {
    schema: {
      tags: [TAG],
      summary: "Prove my login phone with a code (purpose claim): verifies the account and links the clinic's record",
      description:
        'For an unverified account (GET /patient: phone_verified false). If the clinic holds a record for the phone, the ' +
        'account moves to it (record_linked true: GET /patient shows it from now on), bringing the bookings made so far ' +
        "and the profile fields the clinic's record lacks; the account's provisional record goes to the recycle bin when " +
        'nothing is left on it. Otherwise the account is verified on its own record. A verified account: nothing to do ' +
        '(record_linked false). A wrong code 400 naming code. Audited (portal.claim).',
      security: [{ bearerAuth: [] }],
      body: ClaimBody,
      response: withErrors('portal', { 200: portalSuccessSchema(ClaimData) }, [400, 401, 429]),
    },
    config: { access: 'patient' },
    handler: async (request) =>
      portalOk(
        await identity.claim(patientOf(request), request.body.code, auditActorOf(request), nowSeconds()),
        '手机号已验证',
      ),
  });

  app.post('/password/reset', {
    schema: {
      tags: [TAG],
      summary: '忘记密码: a new password with a code sent to the login phone (purpose reset)',
      description:
        'Every session of the account ends (sign in again), its sign-in lock lifts, and the account counts as verified. ' +
        "A phone without an account answers 404 (after the code was checked: only the phone's holder learns it). " +
        'An SMS tells the phone the password changed. A wrong code 400 naming code. Audited (portal.password_reset).',
      body: PasswordResetBody,
      response: withErrors('portal', { 200: NullData }, [400, 404, 429]),
    },
    config: { access: 'public' },
    handler: async (request) => {
      await identity.resetPassword(
        { phone: request.body.phone, code: request.body.code, password: request.body.new_password },
        auditActorOf(request),
        nowSeconds(),
      );
      return portalOk(null, '密码已重置，请使用新密码登录');
    },
  });

  app.post('/phone/verification-code', {
    schema: {
      tags: [TAG],
      summary:
        'Send a code to a new phone before changing the login phone (PATCH /patient/patient_manage with phone_code)',
      description: `The code works only for this account. The same phone as now answers 400; a phone held by another account 409. ${CODE_LIMITS}`,
      security: [{ bearerAuth: [] }],
      body: PhoneCodeBody,
      response: withErrors('portal', { 200: portalSuccessSchema(CodeSentData) }, [400, 401, 409, 429]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      const principal = patientOf(request);
      if (request.body.phone === principal.profile.phone)
        throw new AppError('invalid_value', '参数不合法: phone（与当前手机号相同）', { extra: { field: 'phone' } });
      const holder = await accounts.findByPhone(request.body.phone);
      if (holder && holder.id !== principal.accountId) throw new AppError('conflict', '该手机号已被其他账号使用');
      return portalOk(
        await codes.request(
          {
            phone: request.body.phone,
            purpose: 'change_phone',
            accountId: principal.accountId,
            language: request.body.language ?? 'zh-CN',
          },
          auditActorOf(request),
          nowSeconds(),
        ),
        '验证码已发送',
      );
    },
  });
}
