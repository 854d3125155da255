import { Type } from 'typebox';
import { Nullable, USERNAME_PATTERN } from '../../http/schemas.js';

export const LoginBody = Type.Object({
  username: Type.String({ pattern: USERNAME_PATTERN, description: '3 to 32 letters, digits or underscores' }),
  password: Type.String({ minLength: 1, maxLength: 128 }),
});

export const TokenResponse = Type.Object({ token: Type.String({ description: 'HS256 JWT for the staff API' }) });

export const LogoutResponse = Type.Object({ revoked: Type.Boolean() });

export const MeResponse = Type.Object({
  user: Type.Object({
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    roleId: Type.String(),
    roleName: Type.String(),
    dataScope: Type.Union([Type.Literal('all'), Type.Literal('own'), Type.Literal('doctor'), Type.Literal('none')], {
      description:
        "which patients the caller sees: 'all' (patients:view_all), 'own' (only those they registered, patients:view_own), 'doctor' (those booked with the linked doctor, patients:view_booked) or 'none'",
    }),
    doctorId: Nullable(
      Type.String({ description: 'the catalog doctor this account is linked to (医生工作台), null when none' }),
    ),
    permissions: Type.Array(Type.String(), {
      description: 'the effective permission keys (an action only counts with its module key)',
    }),
  }),
});
