import { Type } from 'typebox';
import { Nullable } from '../../http/schemas.js';

export const DepartmentData = Type.Object({ id: Type.Integer(), name: Type.String() });

export const DoctorData = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  department_id: Nullable(Type.Integer()),
  department_name: Nullable(Type.String()),
  title: Nullable(Type.String({ description: '职称' })),
  specialty: Nullable(Type.String({ description: '擅长' })),
  next_available_dates: Type.Array(Type.String({ description: 'YYYY-MM-DD' }), {
    description:
      'up to 5 next dates (clinic calendar, within 28 days) with a session that has places left and has not started',
  }),
});

export const DoctorListQuery = Type.Object({
  department_id: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'only doctors of this department' }),
  ),
});
