import { Type } from 'typebox';
import { Nullable, RecordId, SingleLineName, StaffTokenField, USERNAME_PATTERN } from '../../http/schemas.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../security/passwords.js';

const Password = (description: string) =>
  Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, description });

export const StaffUserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  roleId: Type.String(),
  roleName: Type.String(),
  isActive: Type.Boolean(),
  doctorId: Nullable(Type.String({ description: 'the catalog doctor this account is (医生工作台); null: none' })),
  doctorName: Nullable(Type.String()),
  createdAt: Type.String({ description: 'Unix seconds' }),
  updatedAt: Type.String({ description: 'Unix seconds' }),
});

export const StaffUserResponse = Type.Object({ user: StaffUserSchema });

export const UpdatedStaffUserResponse = Type.Object({
  user: StaffUserSchema,
  heldPatients: Type.Integer({
    minimum: 0,
    description: 'live patients the account holds as their consultant (author): what a handover would move',
  }),
});

export const StaffListQuery = Type.Object({
  token: StaffTokenField,
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  role_id: Type.Optional(RecordId('only users of this role')),
  active: Type.Optional(Type.Boolean({ description: 'true: enabled accounts only; false: disabled only' })),
  keyword: Type.Optional(Type.String({ maxLength: 50, description: 'part of the username or display name' })),
});

export const StaffListResponse = Type.Object({
  users: Type.Array(StaffUserSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const CreateStaffBody = Type.Object({
  token: StaffTokenField,
  username: Type.String({
    pattern: USERNAME_PATTERN,
    description: '3 to 32 letters, digits or underscores (as for sign-in); unique ignoring case',
  }),
  display_name: SingleLineName(50, '显示名'),
  password: Password('initial password, 8 to 128 characters'),
  role_id: RecordId('role'),
  doctor_id: Type.Optional(
    Nullable(RecordId('the catalog doctor this account is; one account per doctor (409 when linked already)')),
  ),
});

export const UpdateStaffBody = Type.Object({
  token: StaffTokenField,
  display_name: Type.Optional(SingleLineName(50, '显示名')),
  role_id: Type.Optional(RecordId('role')),
  is_active: Type.Optional(Type.Boolean({ description: 'false disables the account and revokes its tokens at once' })),
  doctor_id: Type.Optional(
    Nullable(RecordId('link the account to this catalog doctor (409 when another account is); null unlinks')),
  ),
});

export const ResetPasswordBody = Type.Object({
  token: StaffTokenField,
  password: Password('the new password, 8 to 128 characters'),
});

export const ChangeOwnPasswordBody = Type.Object({
  token: StaffTokenField,
  old_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  new_password: Password('8 to 128 characters'),
});

export const PasswordChangedResponse = Type.Object({ changed: Type.Boolean() });
