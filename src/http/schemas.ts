import { type Static, type TSchema, Type } from 'typebox';
import { type AppErrorCode, errorCatalogue } from './errors.js';

/*
 * Shared pieces of the wire contract. Error bodies stay open (additionalProperties) so
 * fields such as `existingId` survive Fastify's response serialization.
 */
export const StaffErrorSchema = Type.Object(
  {
    state_code: Type.Integer({ description: 'error code: see the table in the API description' }),
    msg: Type.String({ description: 'Chinese message for the user' }),
  },
  { additionalProperties: true },
);

export const PortalErrorSchema = Type.Object(
  { code: Type.Literal(0), msg: Type.String(), data: Type.Null() },
  { additionalProperties: true },
);

type SchemaNode = Record<string, unknown>;

/** The values an enum, a const or a union of literals allows, with their JSON types; undefined when not a list. */
function listedValues(schema: SchemaNode): { values: unknown[]; types?: string[] } | undefined {
  if ('const' in schema) return { values: [schema.const] };
  if (Array.isArray(schema.enum)) return { values: schema.enum };
  const branches = schema.anyOf as SchemaNode[] | undefined;
  if (!Array.isArray(branches) || branches.length === 0 || !branches.every((branch) => 'const' in branch))
    return undefined;
  const types = branches.every((branch) => typeof branch.type === 'string')
    ? [...new Set(branches.map((branch) => branch.type as string))]
    : undefined;
  return { values: branches.map((branch) => branch.const), ...(types ? { types } : {}) };
}

/**
 * A value or null, as `type: [T, "null"]` rather than `anyOf`: with type coercion on
 * (form bodies), Ajv would otherwise turn a refused value such as 0 into null through the
 * null branch and accept it. `enum` and `const` are checked on their own, whatever `type`
 * says, so a list of allowed values (an enum, a const, a union of literals) gets null added
 * to it: `type: ["string","null"], enum: ["male","female"]` would still refuse null.
 * Anything else without a type (a union of objects ...) falls back to `anyOf` with a null branch.
 */
export function Nullable<T extends TSchema>(schema: T) {
  const { type, const: _const, enum: _enum, anyOf, ...rest } = schema as unknown as SchemaNode;
  const listed = listedValues(schema as unknown as SchemaNode);
  const types = typeof type === 'string' ? [type] : Array.isArray(type) ? (type as string[]) : listed?.types;
  if ((anyOf !== undefined || !types) && !listed)
    return Type.Unsafe<Static<T> | null>({ anyOf: [schema, { type: 'null' }] });
  const nullable: SchemaNode = { ...rest };
  if (types) nullable.type = [...new Set([...types, 'null'])];
  if (listed) nullable.enum = [...new Set([...listed.values, null])];
  return Type.Unsafe<Static<T> | null>(nullable);
}

/**
 * An optional field the client may leave empty: its value, or null or "" (what forms and
 * front ends send for an empty input), both meaning "not set"; the service stores either as
 * null (`emptyAsNull`). Only a present, wrong value is an error. For string schemas whose
 * constraints are a length limit, a pattern or a list of values.
 */
export function Clearable<T extends TSchema>(schema: T) {
  const nullable = Nullable(schema) as unknown as SchemaNode;
  if (
    !(nullable.type as string[] | undefined)?.includes('string') ||
    Number(nullable.minLength ?? 0) > 0 ||
    nullable.anyOf
  ) {
    throw new Error('Clearable takes a string schema limited by maxLength, pattern or a list of values');
  }
  const cleared: SchemaNode = { ...nullable };
  if (Array.isArray(cleared.enum)) cleared.enum = [...new Set([...cleared.enum, ''])];
  if (typeof cleared.pattern === 'string') cleared.pattern = `^$|(?:${cleared.pattern})`;
  const description = typeof cleared.description === 'string' ? `${cleared.description}; ` : '';
  cleared.description = `${description}null or "": not set`;
  return Type.Unsafe<Static<T> | '' | null>(cleared);
}

/** "" of a Clearable field is stored as null, like null itself. */
export function emptyAsNull<T>(value: T | ''): T | null {
  return value === '' ? null : value;
}

/** 2100-01-01: a Unix-seconds value beyond it is a milliseconds mix-up, not a date. */
export const MAX_UNIX_SECONDS = 4_102_444_800;

/** A time as Unix seconds, within MAX_UNIX_SECONDS. */
export const UnixSeconds = (description: string) =>
  Type.Integer({ minimum: 0, maximum: MAX_UNIX_SECONDS, description });

/** A row id: positive and within a 32-bit integer column, so it never overflows a query. */
export const RecordId = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });

/** `:id` of any record route. */
export const IdParams = Type.Object({ id: RecordId('id') });

/** What a DELETE answers. */
export const DeletedResponse = Type.Object({ deleted: Type.Boolean(), id: Type.String() });

/** One line of text with at least one visible character: no control characters (they break lists and exports). */
export const SINGLE_LINE_PATTERN = '^[^\\u0000-\\u001f\\u007f]*\\S[^\\u0000-\\u001f\\u007f]*$';

/** A single-line name shown to people, not blank. */
export const SingleLineName = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: SINGLE_LINE_PATTERN, description });

/** A staff username: the sign-in name, also in the staff list. */
export const USERNAME_PATTERN = '^[A-Za-z0-9_]{3,32}$';

/** `:id` of a patient route is an integer: `patient/abc` answers 400, not 404. */
export const PatientIdParams = Type.Object({ id: RecordId('patient id') });

export const StaffTokenField = Type.Optional(
  Type.String({ maxLength: 4096, description: 'staff token; `Authorization: Bearer` works too' }),
);

/** A staff request whose only input is the token (query string or body). */
export const StaffTokenOnly = Type.Object({ token: StaffTokenField });

export function portalSuccessSchema<T extends TSchema>(data: T) {
  return Type.Object({ code: Type.Literal(1), msg: Type.String(), data });
}

/** Response map: the success schemas plus one shared error schema for each listed status. */
export function withErrors<T extends Record<number, TSchema>>(
  family: 'staff' | 'portal',
  success: T,
  statuses: number[],
) {
  const error = family === 'staff' ? StaffErrorSchema : PortalErrorSchema;
  const responses: Record<number, TSchema> = { ...success };
  for (const status of [...statuses, 500]) responses[status] = error;
  return responses as T;
}

/** The error table, generated from the catalogue, for the OpenAPI description. */
export function errorTableMarkdown(): string {
  const rows = (Object.keys(errorCatalogue) as AppErrorCode[]).map((code) => {
    const entry = errorCatalogue[code];
    return `| ${entry.stateCode} | ${entry.status} | ${entry.message} | ${entry.description} |`;
  });
  return ['| state_code | HTTP | msg | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
