import { Type } from 'typebox';
import { auditActorOf, nowSeconds, staffOf } from '../../../http/request-context.js';
import { Nullable, PatientIdParams, StaffTokenField, StaffTokenOnly, withErrors } from '../../../http/schemas.js';
import type { TypedApp } from '../../../http/typed-app.js';
import type { DeskAccountService } from './desk-service.js';

const TAG = 'staff: patient portal accounts';

const PortalAccountView = Type.Object({
  account: Nullable(
    Type.Object({
      id: Type.String(),
      phone: Type.String({ description: 'masked unless the role holds patients:view_full_phone' }),
      phoneVerified: Type.Boolean(),
      verifiedAt: Nullable(Type.Integer({ description: 'Unix seconds' })),
      createdAt: Type.Integer({ description: 'Unix seconds' }),
      lockedUntil: Nullable(
        Type.Integer({ description: 'sign-in locked until (Unix seconds) after wrong passwords; null = not locked' }),
      ),
    }),
  ),
  linkable: Nullable(
    Type.Object(
      {
        accountId: Type.String(),
        phone: Type.String(),
        createdAt: Type.Integer(),
        provisionalPatientId: Type.String({ description: 'the record the account made for itself when it registered' }),
      },
      {
        description:
          "an unverified portal account registered with this record's phone, on a record of its own: after checking the person's identity, POST .../portal-account/link joins it here",
      },
    ),
  ),
});

const ResetBody = Type.Object({
  token: StaffTokenField,
  password: Type.Optional(
    Type.String({
      minLength: 8,
      maxLength: 128,
      description: 'the new password; absent = a random one, answered once',
    }),
  ),
});

/** Desk actions on a patient's portal account (patients:portal_account, the record in the caller's view). */
export function registerDeskAccountRoutes(app: TypedApp, desk: DeskAccountService): void {
  app.get('/patient/:id/portal-account', {
    schema: {
      tags: [TAG],
      summary: "The patient's portal account: verified or not, locked or not, and an account that could be linked",
      params: PatientIdParams,
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: PortalAccountView }, [400, 401, 403, 404]),
    },
    config: { access: 'patients:portal_account' },
    handler: (request) => desk.view(staffOf(request), request.params.id, nowSeconds()),
  });

  app.post('/patient/:id/portal-account/link', {
    schema: {
      tags: [TAG],
      summary:
        "Link portal account (到店核验): staff checked the person's identity; their portal account joins this record",
      description:
        "The account registered without a code on this record's phone (linkable in GET) moves to this record, verified, " +
        'bringing its bookings and the profile fields this record lacks; its own record goes to the recycle bin when ' +
        'nothing is left on it. 404 when no such account exists, 409 when this record already has an account or the ' +
        'account was already verified. Audited (portal.account_link).',
      params: PatientIdParams,
      querystring: StaffTokenOnly,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: PortalAccountView }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'patients:portal_account' },
    handler: (request) => desk.link(staffOf(request), request.params.id, auditActorOf(request), nowSeconds()),
  });

  app.post('/patient/:id/portal-account/reset-password', {
    schema: {
      tags: [TAG],
      summary: "Reset the patient's portal password at the desk",
      description:
        'Every session of the account ends, its sign-in lock lifts, and the phone gets an SMS saying the password changed. ' +
        'Without password a random one is answered once (temporaryPassword); tell it to the patient. Audited ' +
        '(portal.password_reset, by staff; never the password).',
      params: PatientIdParams,
      querystring: StaffTokenOnly,
      body: ResetBody,
      response: withErrors(
        'staff',
        { 200: Type.Object({ temporaryPassword: Nullable(Type.String()) }) },
        [400, 401, 403, 404],
      ),
    },
    config: { access: 'patients:portal_account' },
    handler: (request) =>
      desk.resetPassword(
        staffOf(request),
        request.params.id,
        request.body.password,
        auditActorOf(request),
        nowSeconds(),
      ),
  });

  app.post('/patient/:id/portal-account/unlock', {
    schema: {
      tags: [TAG],
      summary: "Lift the portal account's sign-in lock (after repeated wrong passwords)",
      description: 'Audited (portal.unlock, with the time the lock would have ended).',
      params: PatientIdParams,
      querystring: StaffTokenOnly,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: PortalAccountView }, [400, 401, 403, 404]),
    },
    config: { access: 'patients:portal_account' },
    handler: (request) => desk.unlock(staffOf(request), request.params.id, auditActorOf(request), nowSeconds()),
  });
}
