import { Type } from 'typebox';
import { SingleLineName, StaffTokenField } from '../../http/schemas.js';

export const RoleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  builtinKey: Type.Union([Type.String(), Type.Null()], {
    description: "'administrator' for the built-in administrator role",
  }),
  userCount: Type.Integer({ description: 'staff accounts (enabled or not) holding the role' }),
  createdAt: Type.String({ description: 'Unix seconds' }),
});

export const RoleListResponse = Type.Object({ roles: Type.Array(RoleSchema) });
export const RoleResponse = Type.Object({ role: RoleSchema });

export const RoleNameBody = Type.Object({
  token: StaffTokenField,
  name: SingleLineName(32, '角色名称, unique'),
});

const PermissionLeaf = Type.Object({ key: Type.String(), description: Type.String(), checked: Type.Boolean() });
export const PermissionTreeResponse = Type.Object({
  roleId: Type.String(),
  permissions: Type.Array(
    Type.Object({
      key: Type.String(),
      description: Type.String(),
      checked: Type.Boolean(),
      children: Type.Array(PermissionLeaf),
    }),
  ),
});

export const UpdatePermissionsBody = Type.Object({
  token: StaffTokenField,
  keys: Type.Union(
    [
      Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200 }),
      Type.String({ maxLength: 4000, description: 'comma-separated keys' }),
    ],
    {
      description:
        'the complete new set: a JSON array, a repeated form field, or comma-separated text. An action key brings its module key along.',
    },
  ),
});
