import { type TSchema, Type } from 'typebox';
import {
  Clearable,
  Nullable,
  RecordId,
  SINGLE_LINE_PATTERN,
  SingleLineName,
  StaffTokenField,
} from '../../http/schemas.js';

const SortOrder = Type.Integer({
  minimum: 0,
  maximum: 1_000_000,
  description: 'position in lists (ascending); new entries go last when omitted',
});
const IsActive = Type.Boolean({ description: 'false: kept on old records, no longer offered for new ones' });
const CatalogName = SingleLineName(32, '名称');

export const IncludeInactiveQuery = Type.Object({
  token: StaffTokenField,
  include_inactive: Type.Boolean({ default: false, description: 'true to list deactivated entries too' }),
});

export const DoctorListQuery = Type.Object({
  token: StaffTokenField,
  include_inactive: Type.Boolean({ default: false, description: 'true to list deactivated doctors too' }),
  department_id: Type.Optional(RecordId('only doctors of this department')),
});

const entryFields = {
  id: Type.String(),
  name: Type.String(),
  sortOrder: Type.Integer(),
  isActive: Type.Boolean(),
};

export const DiseaseSchema = Type.Object({ ...entryFields, departmentId: Type.String() });
export const DepartmentSchema = Type.Object({ ...entryFields });
export const DepartmentTreeSchema = Type.Object({ ...entryFields, diseases: Type.Array(DiseaseSchema) });
export const DoctorSchema = Type.Object({
  ...entryFields,
  departmentId: Nullable(Type.String()),
  title: Nullable(Type.String({ description: '职称' })),
  specialty: Nullable(Type.String({ description: '擅长' })),
});
export const ChannelSchema = Type.Object({
  ...entryFields,
  systemKey: Nullable(
    Type.String({
      description: 'set on channels the system assigns itself; such a channel cannot be renamed or deleted',
    }),
  ),
});
export const AdvisoryWaySchema = Type.Object({ ...entryFields });

const namedEntryBodies = <T extends TSchema>(name: T) => ({
  create: Type.Object({ token: StaffTokenField, name, sort_order: Type.Optional(SortOrder) }),
  update: Type.Object({
    token: StaffTokenField,
    name: Type.Optional(name),
    sort_order: Type.Optional(SortOrder),
    is_active: Type.Optional(IsActive),
  }),
});
const namedEntry = namedEntryBodies(CatalogName);
export const NamedEntryCreateBody = namedEntry.create;
export const NamedEntryUpdateBody = namedEntry.update;
/** Patients store the advisory way by name, in a column of at most 20 characters. */
const advisoryWay = namedEntryBodies(SingleLineName(20, '名称'));
export const AdvisoryWayCreateBody = advisoryWay.create;
export const AdvisoryWayUpdateBody = advisoryWay.update;

export const DiseaseCreateBody = Type.Object({
  token: StaffTokenField,
  department_id: RecordId('科室'),
  name: CatalogName,
  sort_order: Type.Optional(SortOrder),
});
export const DiseaseUpdateBody = Type.Object({
  token: StaffTokenField,
  department_id: Type.Optional(RecordId('move to this department')),
  name: Type.Optional(CatalogName),
  sort_order: Type.Optional(SortOrder),
  is_active: Type.Optional(IsActive),
});

// The shared Nullable and Clearable: a union with null would let coercion turn a wrong value (0, false, "0") into null.
const DoctorTitle = Clearable(Type.String({ maxLength: 32, pattern: SINGLE_LINE_PATTERN, description: '职称' }));
const DoctorSpecialty = Clearable(Type.String({ maxLength: 500, description: '擅长' }));
export const DoctorCreateBody = Type.Object({
  token: StaffTokenField,
  name: CatalogName,
  department_id: Type.Optional(Nullable(RecordId('科室'))),
  title: Type.Optional(DoctorTitle),
  specialty: Type.Optional(DoctorSpecialty),
  sort_order: Type.Optional(SortOrder),
});
export const DoctorUpdateBody = Type.Object({
  token: StaffTokenField,
  name: Type.Optional(CatalogName),
  department_id: Type.Optional(Nullable(RecordId('科室'))),
  title: Type.Optional(DoctorTitle),
  specialty: Type.Optional(DoctorSpecialty),
  sort_order: Type.Optional(SortOrder),
  is_active: Type.Optional(IsActive),
});
