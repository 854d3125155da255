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

/** A six-digit verification code, as sent by SMS (POST /patient/verification-codes). */
export const VerificationCode = (description = 'the six digits sent by SMS') =>
  Type.String({ pattern: '^\\d{6}$', description });

export const RegisterBody = Type.Object(
  {
    phone: Phone,
    password: Password,
    name: PersonName,
    code: Type.Optional(
      VerificationCode(
        'optional: a code sent for purpose register. With it the account is verified and attached to the record the clinic holds for the phone, if any; without it the account gets a record of its own (see the description)',
      ),
    ),
  },
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
  phone_verified: Type.Boolean({
    description:
      'whether the login phone has been proved (a code, or staff at the desk); false: offer "验证手机号" (POST /patient/claim)',
  }),
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
    phone_code: Type.Optional(
      VerificationCode(
        'required when phone changes: a code sent to the new phone (POST /patient/phone/verification-code)',
      ),
    ),
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

export const CodeRequestBody = Type.Object(
  {
    phone: Phone,
    purpose: Type.Unsafe<'register' | 'claim' | 'reset'>({
      type: 'string',
      enum: ['register', 'claim', 'reset'],
      description:
        'register (POST /patient/register), claim (POST /patient/claim), reset (POST /patient/password/reset)',
    }),
    language: Type.Optional(
      Type.Unsafe<'zh-CN' | 'en'>({
        type: 'string',
        enum: ['zh-CN', 'en'],
        description: 'language of the SMS (default zh-CN)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CodeSentData = Type.Object({
  resend_after: Type.Integer({ description: 'seconds before another code may be requested for this phone' }),
  expires_in: Type.Integer({ description: 'seconds the code stays valid' }),
});

export const ClaimBody = Type.Object(
  { code: VerificationCode('a code sent to the login phone for purpose claim') },
  { additionalProperties: false },
);

export const ClaimData = Type.Object({
  phone_verified: Type.Literal(true),
  record_linked: Type.Boolean({
    description: 'true: the account now shows the record the clinic holds for this phone (GET /patient again)',
  }),
});

export const PasswordResetBody = Type.Object(
  { phone: Phone, code: VerificationCode('a code sent for purpose reset'), new_password: Password },
  { additionalProperties: false },
);

export const PhoneCodeBody = Type.Object(
  {
    phone: Type.String({ pattern: MOBILE_PATTERN, description: 'the new phone, which gets the code' }),
    language: Type.Optional(Type.Unsafe<'zh-CN' | 'en'>({ type: 'string', enum: ['zh-CN', 'en'] })),
  },
  { additionalProperties: false },
);
