import { Type } from 'typebox';

export const USERNAME_PATTERN = '^[A-Za-z0-9_]{3,32}$';

export const LoginBody = Type.Object({
  username: Type.String({ pattern: USERNAME_PATTERN, description: '3 to 32 letters, digits or underscores' }),
  password: Type.String({ minLength: 1, maxLength: 128 }),
});


export const TokenResponse = Type.Object({ token: Type.String({ description: 'HS256 JWT for the staff API' }) });

export const LogoutResponse = Type.Object({ revoked: Type.Boolean() });
