import { Type } from 'typebox';
import { portalOk } from '../../http/envelopes.js';
import { auditActorOf, nowSeconds, patientOf } from '../../http/request-context.js';
import { portalSuccessSchema, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { LoginBody, LoginData, PasswordChangeBody, ProfileData, ProfileUpdateBody } from './schemas.js';
import type { PortalAccountService } from './service.js';

const NullData = portalSuccessSchema(Type.Null());

export function registerPortalAccountRoutes(app: TypedApp, service: PortalAccountService): void {
  app.post('/login', {
    schema: {
      tags: ['portal: account'],
      summary: 'Log in (seed 000) -> {id, name, role: "patient", token}',
      description:
        'An unknown phone and a wrong password answer alike (401). Repeated failures lock for up to 15 minutes (429).',
      body: LoginBody,
      response: withErrors('portal', { 200: portalSuccessSchema(LoginData) }, [400, 401, 429]),
    },
    config: { access: 'public' },
    handler: async (request) =>
      portalOk(
        await service.login(request.body.phone, request.body.password, auditActorOf(request), nowSeconds()),
        '登录成功',
      ),
  });

  app.post('/logout', {
    schema: {
      tags: ['portal: account'],
      summary: 'Log out (seed 000): the token stops working at once',
      security: [{ bearerAuth: [] }],
      response: withErrors('portal', { 200: NullData }, [401]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      await service.logout(patientOf(request), auditActorOf(request), nowSeconds());
      return portalOk(null, '已退出登录');
    },
  });

  app.get('/', {
    schema: {
      tags: ['portal: account'],
      summary: "The signed-in patient's profile (seed 000)",
      security: [{ bearerAuth: [] }],
      response: withErrors('portal', { 200: portalSuccessSchema(ProfileData) }, [401]),
    },
    config: { access: 'patient' },
    handler: async (request) => portalOk(service.profile(patientOf(request))),
  });

  app.put('/password', {
    schema: {
      tags: ['portal: account'],
      summary: 'Change my password: old password required, new one 8-128 characters',
      description:
        "A wrong old password answers 400 and counts toward the account's login lock (429 once locked). " +
        'On success every other token of the patient stops working at once; the calling token stays valid, and the ' +
        'login phone gets an SMS saying so (a security message). Forgotten password: POST /patient/password/reset.',
      security: [{ bearerAuth: [] }],
      body: PasswordChangeBody,
      response: withErrors('portal', { 200: NullData }, [400, 401, 429]),
    },
    config: { access: 'patient' },
    handler: async (request) => {
      await service.changePassword(
        patientOf(request),
        request.body.old_password,
        request.body.new_password,
        auditActorOf(request),
        nowSeconds(),
      );
      return portalOk(null, '密码已修改，其他设备需重新登录');
    },
  });

  for (const method of ['PATCH', 'PUT'] as const) {
    app.route({
      method,
      url: '/patient_manage',
      schema: {
        tags: ['portal: account'],
        summary: `Edit the profile (seed 000; ${method === 'PUT' ? 'PUT as sent by clients in the field' : 'PATCH as documented'})`,
        description:
          'phone and name are required; other fields are optional: absent = unchanged, null or "" = not set (stored as null, ' +
          'as forms send an empty input); only a present, wrong value answers 400 naming the field. ' +
          'Fields outside the list (id, role ...) are ignored. A phone held by another account answers 409. ' +
          'A new phone needs phone_code, a code sent to the new number (POST /patient/phone/verification-code): without it ' +
          '400 naming phone_code, a wrong one 400 naming code. The change verifies the account and tells the old number by SMS. ' +
          'avatar_url: avatars are uploaded with POST /patient/avatar, which sets avatar_url itself. Here it may only be ' +
          "cleared, resent unchanged, or set to a file the server stored for this patient; another patient's file, a name " +
          'never stored and any external URL answer 400 naming avatar_url (an external image would let whoever runs its ' +
          "server see every page that shows it). Clearing or replacing the avatar deletes the patient's previous file. " +
          'Staff see the same record.',
        security: [{ bearerAuth: [] }],
        body: ProfileUpdateBody,
        response: withErrors('portal', { 200: portalSuccessSchema(ProfileData) }, [400, 401, 409]),
      },
      config: { access: 'patient' },
      handler: async (request) =>
        portalOk(
          await service.updateProfile(patientOf(request), request.body, auditActorOf(request), nowSeconds()),
          '保存成功',
        ),
    });
  }
}
