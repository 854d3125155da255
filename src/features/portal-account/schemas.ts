import { Type } from 'typebox';
import { MOBILE_PATTERN } from '../../domain/phone.js';
import { Clearable, Nullable } from '../../http/schemas.js';

export const Phone = Type.String({ pattern: MOBILE_PATTERN, description: 'mainland mobile number, also the login' });
export const Password = Type.String({ minLength: 8, maxLength: 128, description: '8 to 128 characters' });
export const PersonName = Type.String({ minLength: 1, maxLength: 50 });
export const Gender = Type.Unsafe<'male' | 'female'>({
  type: 'string',
  enum: ['male', 'female'],
  description: 'male or female',
});
/**
 * The shapes an avatar_url may have on the wire: an uploaded file's path, or an http(s) URL,
 * which records may hold from before 0013 and which may only be resent unchanged (the service
 * decides; see AvatarFiles). Anything else is refused by the schema.
 */
export const AVATAR_URL_PATTERN = '^(https?://[^\\s<>"]{1,500}|/uploads/avatars/[A-Za-z0-9._-]{1,100})$';

export const RegisterBody = Type.Object(
  { phone: Phone, password: Password, name: PersonName },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  { phone: Type.String({ minLength: 1, maxLength: 20 }), password: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);

export const LoginData = Type.Object({
  id: Type.Integer({ description: 'the patient record id' }),
  name: Type.String(),
  role: Type.Literal('patient'),
  token: Type.String({ description: 'HS256 JWT for the portal; send as Authorization: Bearer' }),
});

export const ProfileData = Type.Object({
  phone: Type.String(),
  name: Type.String(),
  gender: Nullable(Gender),
  address: Nullable(Type.String()),
  avatar_url: Nullable(Type.String()),
  birth_date: Nullable(Type.String({ description: 'YYYY-MM-DD' })),
  medical_history: Nullable(Type.String()),
});

/** Only these fields can change; anything else in the body (id, role ...) is dropped. */
export const ProfileUpdateBody = Type.Object(
  {
    phone: Phone,
    name: PersonName,
    gender: Type.Optional(Clearable(Gender)),
    birth_date: Type.Optional(
      Clearable(
        Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, a real date, not in the future' }),
      ),
    ),
    address: Type.Optional(Clearable(Type.String({ maxLength: 200 }))),
    medical_history: Type.Optional(Clearable(Type.String({ maxLength: 2000 }))),
    avatar_url: Type.Optional(
      Clearable(
        Type.String({
          maxLength: 512,
          pattern: AVATAR_URL_PATTERN,
          description:
            'the avatar_url POST /patient/avatar answered (a file stored for this patient), or the value the profile already has',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const PasswordChangeBody = Type.Object(
  {
    old_password: Type.String({ minLength: 1, maxLength: 128, description: 'the current password' }),
    new_password: Password,
  },
  { additionalProperties: false },
);
