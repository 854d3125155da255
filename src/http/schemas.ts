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

/**
 * A value or null, as `type: [T, "null"]` rather than `anyOf`: with type coercion on
 * (form bodies), Ajv would otherwise turn a refused value such as 0 into null through the
 * null branch and accept it. Works for single-type schemas (string, integer, number).
 */
export function Nullable<T extends TSchema>(schema: T) {
  const { type, ...rest } = schema as unknown as { type?: unknown } & Record<string, unknown>;
  if (typeof type !== 'string') return Type.Unsafe<Static<T> | null>({ anyOf: [schema, { type: 'null' }] });
  return Type.Unsafe<Static<T> | null>({ ...rest, type: [type, 'null'] });
}

/** 2100-01-01: a Unix-seconds value beyond it is a milliseconds mix-up, not a date. */
export const MAX_UNIX_SECONDS = 4_102_444_800;

/** A time as Unix seconds, within MAX_UNIX_SECONDS. */
export const UnixSeconds = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_UNIX_SECONDS, description });

/** A row id: positive and within a 32-bit integer column, so it never overflows a query. */
export const RecordId = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });

export const StaffTokenField = Type.Optional(
  Type.String({ maxLength: 4096, description: 'staff token; `Authorization: Bearer` works too' }),
);

/** A staff request whose only input is the token (query string or body). */
export const StaffTokenOnly = Type.Object({ token: StaffTokenField });

export function portalSuccessSchema<T extends TSchema>(data: T) {
  return Type.Object({ code: Type.Literal(1), msg: Type.String(), data });
}

/** Response map: the success schemas plus one shared error schema for each listed status. */
export function withErrors<T extends Record<number, TSchema>>(family: 'staff' | 'portal', success: T, statuses: number[]) {
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
