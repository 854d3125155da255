import { Type } from 'typebox';
import { YuanField } from '../../domain/money.js';
import { Nullable, StaffTokenField } from '../../http/schemas.js';
import { CreatePatientBody, WirePatientSchema } from './schemas.js';

export const WirePatientDetailSchema = Type.Object({
  ...WirePatientSchema.properties,
  diseaseName: Nullable(Type.String()),
  departmentId: Nullable(Type.String()),
  departmentName: Nullable(Type.String()),
  doctorName: Nullable(Type.String()),
  mediaFromName: Type.Optional(Nullable(Type.String({ description: 'absent in a doctor scope (marketing)' }))),
  authorName: Nullable(Type.String()),
  spend: Type.Optional(
    Type.String({
      description: 'total spend over all visits, yuan with 2 decimals; absent in a doctor scope (marketing)',
    }),
  ),
  visitCount: Type.String(),
  birthDate: Nullable(Type.String()),
  address: Nullable(Type.String()),
  medicalHistory: Nullable(Type.String()),
  avatarUrl: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const PatientDetailResponse = Type.Object({ patient: WirePatientDetailSchema });

const { token: _token, allow_duplicate: _allowDuplicate, ...editableFields } = CreatePatientBody.properties;

/** Any subset of the create fields, plus spend; each field is gated by its own permission. */
export const UpdatePatientBody = Type.Partial(
  Type.Object({ token: StaffTokenField, ...editableFields, spend: YuanField('总消费; replaces the total') }),
);

export const DuplicatesQuery = Type.Object({
  token: StaffTokenField,
  tel: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 20,
      description:
        'exact tel; without patients:view_full_phone the whole number (a counted lookup) or the tel as shown (139****8442)',
    }),
  ),
  wechat: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'exact wechat' })),
  qq: Type.Optional(Type.String({ minLength: 1, maxLength: 12, description: 'exact qq' })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'exact name' })),
});

export const DuplicatesResponse = Type.Object({
  duplicates: Type.Array(
    Type.Object({
      ...WirePatientSchema.properties,
      matchedOn: Type.Array(Type.String(), { description: 'which of tel / wechat / qq / name matched' }),
    }),
  ),
  total: Type.Integer({ description: 'all matches in scope; at most 50 are listed' }),
});

export const RecycleBinQuery = Type.Object({
  token: StaffTokenField,
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
});

export const RecycleBinResponse = Type.Object({
  patients: Type.Array(
    Type.Object({
      ...WirePatientSchema.properties,
      deletedAt: Nullable(Type.String()),
      deletedBy: Nullable(Type.String()),
      deletedByName: Nullable(Type.String()),
    }),
  ),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const DeletedPatientResponse = Type.Object({
  deletedPatient: Type.Object({ id: Type.String(), deletedAt: Type.String() }),
});

export const PurgedPatientResponse = Type.Object({
  purgedPatient: Type.Object({
    id: Type.String(),
    visitsDeleted: Type.Integer(),
    followUpsDeleted: Type.Integer(),
    portalAccountDeleted: Type.Boolean(),
    appointmentsDeleted: Type.Integer({ description: "all of the patient's appointments, past and future" }),
    placesReleased: Type.Integer({
      description: 'places the patient still held (status booked), given back to their sessions',
    }),
  }),
});
