import fc from 'fast-check';
import type { RouteAccess } from '../../src/http/route-config.js';
import type { IdKind } from './fuzz-world.js';
import { hostileValue, type IdSource, type JsonSchema, objectValue, validValue } from './schema-arbitraries.js';

/** One operation of /docs/json, with what the fuzzer needs to build requests for it. */
export interface Operation {
  method: string;
  /** OpenAPI path, `{id}` placeholders. */
  path: string;
  family: 'staff' | 'portal' | 'other';
  parameters: { in: 'path' | 'query'; name: string; schema: JsonSchema; required: boolean }[];
  body?: { contentType: string; schema: JsonSchema };
  access: RouteAccess | undefined;
}

type OpenApi = { paths: Record<string, Record<string, any>> };

export function operationsOf(
  openApi: OpenApi,
  accessOf: (method: string, url: string) => RouteAccess | undefined,
): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(openApi.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const content = Object.entries(
        (operation.requestBody?.content ?? {}) as Record<string, { schema: JsonSchema }>,
      )[0];
      operations.push({
        method: method.toUpperCase(),
        path,
        family: path.startsWith('/back_end/')
          ? 'staff'
          : path === '/patient' || path.startsWith('/patient/')
            ? 'portal'
            : 'other',
        parameters: ((operation.parameters ?? []) as Operation['parameters']).filter(
          (parameter) => parameter.name !== 'token',
        ),
        ...(content ? { body: { contentType: content[0], schema: content[1].schema } } : {}),
        access: accessOf(method.toUpperCase(), path.replace(/\{(\w+)\}/g, ':$1')),
      });
    }
  }
  return operations;
}

/** Which fixture an id names, from the path segment before it or the field's name. */
const KIND_BY_SEGMENT: Record<string, IdKind> = {
  patient: 'patients',
  staff: 'staff',
  roles: 'roles',
  departments: 'departments',
  diseases: 'diseases',
  doctors: 'doctors',
  channels: 'channels',
  'advisory-ways': 'advisoryWays',
  appointment: 'appointments',
  appointments: 'ownAppointments',
  exceptions: 'exceptions',
  templates: 'notificationTemplates',
  messages: 'notificationMessages',
};
const KIND_BY_FIELD: Record<string, IdKind> = {
  patient_id: 'patients',
  doctor_id: 'doctors',
  department_id: 'departments',
  disease_id: 'diseases',
  media_from_id: 'channels',
  role_id: 'roles',
  author_id: 'staff',
  actor_id: 'staff',
};

export function idSourceFor(pools: Record<IdKind, number[]>): IdSource {
  return (field) => {
    const kind = KIND_BY_FIELD[field];
    return kind ? pools[kind] : undefined;
  };
}

function pathParameterArbitrary(
  operation: Operation,
  name: string,
  schema: JsonSchema,
  pools: Record<IdKind, number[]>,
): fc.Arbitrary<string> {
  const segments = operation.path.split('/');
  const before = segments[segments.indexOf(`{${name}}`) - 1] ?? '';
  const existing = pools[KIND_BY_SEGMENT[before] ?? 'patients'] ?? [];
  const valid = validValue(name, schema, () => undefined).map(String);
  return fc.oneof(
    { weight: 6, arbitrary: existing.length > 0 ? fc.constantFrom(...existing.map(String)) : valid },
    { weight: 2, arbitrary: valid },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '987654321',
        '-1',
        '0',
        '2147483648',
        '9223372036854775808',
        '1e3',
        '0x1',
        '1.5',
        'abc',
        "1'or'1",
        '١',
        ' 1',
        'null',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constant('9'.repeat(250)) },
  );
}

/** A valid-ish object, then at most one thing broken about it. */
function mutatedObject(schema: JsonSchema, ids: IdSource): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema.properties ?? {}).filter((key) => key !== 'token');
  const base = objectValue(schema, ids);
  const broken: fc.Arbitrary<unknown>[] = [
    base.chain((value) =>
      fc.constantFrom(...(schema.required?.length ? schema.required : ['none'])).map((key) => omit(value, key)),
    ),
    base.chain((value) =>
      fc
        .constantFrom('unknown_field', '__proto__', 'constructor', 'id', 'deleted_at', 'role_id')
        .chain((key) => hostileValue({}).map((extra) => ({ ...value, [key]: extra }))),
    ),
    hostileValue({}),
  ];
  if (keys.length > 0) {
    broken.push(
      base.chain((value) =>
        fc
          .constantFrom(...keys)
          .chain((key) => hostileValue(schema.properties?.[key] ?? {}).map((bad) => ({ ...value, [key]: bad }))),
      ),
    );
  }
  return fc.oneof({ weight: 4, arbitrary: base }, { weight: 5, arbitrary: fc.oneof(...broken) });
}

function omit(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

/**
 * Node refuses a request line and headers over 16 KB itself (431, before any routing), so
 * query values stay below that: long enough to pass every maxLength, short enough to reach the app.
 */
const MAX_QUERY_VALUE = 6000;

export type BodyEncoding = 'json' | 'form' | 'text' | 'multipart' | 'malformed-json' | 'none' | 'oversize' | 'near-cap';
export type TokenChoice =
  | { kind: 'valid' }
  | { kind: 'none' }
  | { kind: 'cross-family' }
  | { kind: 'hostile'; index: number }
  | { kind: 'in-query' };

export interface FuzzRequest {
  pathValues: Record<string, string>;
  query: [string, string][];
  body: unknown;
  encoding: BodyEncoding;
  token: TokenChoice;
  /** The file part of a multipart body (the import route reads it as CSV). */
  file: Buffer;
}

const csvCell = (value: unknown) => `"${toText(value).replace(/"/g, '""')}"`;
/** Mostly a CSV the import understands (header + rows with odd cells), sometimes random bytes. */
const uploadFile: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .array(
      fc.tuple(
        validValue('name', { type: 'string', minLength: 1, maxLength: 20 }, () => undefined),
        fc.oneof(fc.constant('2024-03-01 09:30:00'), hostileValue({})),
        fc.stringMatching(/^1[3-9]\d{9}$/),
        hostileValue({}),
      ),
      { maxLength: 4 },
    )
    .map((rows) =>
      Buffer.from(['姓名,登记时间,电话,备注', ...rows.map((row) => row.map(csvCell).join(','))].join('\r\n')),
    ),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

const toText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

export function requestArbitrary(
  operation: Operation,
  pools: Record<IdKind, number[]>,
  hostileTokenCount: number,
): fc.Arbitrary<FuzzRequest> {
  const ids = idSourceFor(pools);
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const pathValues = fc.record(
    Object.fromEntries(pathParameters.map((p) => [p.name, pathParameterArbitrary(operation, p.name, p.schema, pools)])),
  );
  const querySchema: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(queryParameters.map((p) => [p.name, p.schema])),
    required: queryParameters.filter((p) => p.required).map((p) => p.name),
  };
  const queryObject = queryParameters.length > 0 ? mutatedObject(querySchema, ids) : fc.constant({});
  const query = fc.tuple(queryObject, fc.boolean()).map(([value, duplicate]) => {
    const pairs: [string, string][] =
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(value).map(([key, item]) => [key, toText(item).slice(0, MAX_QUERY_VALUE)])
        : [];
    // A key given twice: query parsers turn it into an array where a scalar is expected.
    if (duplicate && pairs[0]) pairs.push([pairs[0][0], `${pairs[0][1]}2`]);
    return pairs;
  });
  const takesBody = operation.method !== 'GET';
  const body =
    operation.body && operation.body.contentType === 'application/json'
      ? mutatedObject(operation.body.schema, ids)
      : fc.constant({});
  const encoding: fc.Arbitrary<BodyEncoding> = takesBody
    ? fc.oneof(
        { weight: 12, arbitrary: fc.constant('json' as const) },
        { weight: operation.family === 'staff' ? 3 : 1, arbitrary: fc.constant('form' as const) },
        {
          weight: operation.body?.contentType === 'multipart/form-data' ? 12 : 1,
          arbitrary: fc.constant('multipart' as const),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'text' as const,
            'malformed-json' as const,
            'none' as const,
            'oversize' as const,
            'near-cap' as const,
          ),
        },
      )
    : fc.constant('none' as const);
  const token: fc.Arbitrary<TokenChoice> = fc.oneof(
    { weight: 14, arbitrary: fc.constant({ kind: 'valid' as const }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { kind: 'none' as const },
        { kind: 'cross-family' as const },
        { kind: 'in-query' as const },
      ),
    },
    {
      weight: 2,
      arbitrary: fc.nat({ max: hostileTokenCount - 1 }).map((index) => ({ kind: 'hostile' as const, index })),
    },
  );
  return fc.record({ pathValues, query, body, encoding, token, file: uploadFile }) as fc.Arbitrary<FuzzRequest>;
}
