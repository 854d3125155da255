import fc from 'fast-check';

/** The JSON-Schema subset the OpenAPI description uses (TypeBox output). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
}

/**
 * Where a value should name something that exists (an id of a fixture), the fuzzer asks
 * this: valid-shaped values that point nowhere only ever reach the 404 branch.
 */
export type IdSource = (fieldName: string) => readonly number[] | undefined;

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const MAX_GENERATED_LENGTH = 60;

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Near dates reach the booking and schedule logic; random digits test the date parsing. */
const plausibleDate = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 20 }).map(isoDay) },
  { weight: 1, arbitrary: fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
  { weight: 1, arbitrary: fc.constantFrom('2024-02-29', '2023-02-29', '1970-01-01', '9999-12-31', '0000-00-00') },
);

/** Text as people (and attackers) type it: CJK, astral, RTL, combining marks, plain ASCII. */
function humanText(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const max = Math.max(minLength, Math.min(maxLength, MAX_GENERATED_LENGTH));
  return fc.oneof(
    fc.string({ minLength, maxLength: max }),
    fc.string({ unit: 'binary', minLength, maxLength: max }),
    fc.string({
      unit: fc.constantFrom('王', '小', '明', '😀', '𝕏', '\u202e', 'ا', 'é', '\u0301', ' '),
      minLength,
      maxLength: max,
    }),
  );
}

function integerValue(schema: JsonSchema): fc.Arbitrary<number> {
  const min = schema.minimum ?? -(2 ** 31);
  const max = schema.maximum ?? 2 ** 31;
  return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
}

function stringValue(name: string, schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'date' || schema.pattern === DATE_PATTERN) return plausibleDate;
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? 200;
  if (schema.pattern) {
    const matching = fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((text) => text.length >= minLength && text.length <= maxLength);
    return /password/.test(name)
      ? matching
      : fc.oneof({ weight: 4, arbitrary: matching }, { weight: 1, arbitrary: humanText(minLength, maxLength) });
  }
  return humanText(minLength, maxLength);
}

/** A value the schema accepts most of the time (patterns and dates are only mostly valid). */
export function validValue(name: string, schema: JsonSchema, ids: IdSource): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((branch) => validValue(name, branch, ids)));
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'string'];
  if (types.length > 1) return fc.oneof(...types.map((type) => validValue(name, { ...schema, type }, ids)));
  const known = ids(name);
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return known && known.length > 0
        ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: integerValue(schema) })
        : integerValue(schema);
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
    case 'array':
      return fc.array(validValue(name, schema.items ?? {}, ids), { maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object':
      return objectValue(schema, ids);
    default:
      return stringValue(name, schema);
  }
}

export function objectValue(schema: JsonSchema, ids: IdSource): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {}).filter(([name]) => name !== 'token');
  const model = Object.fromEntries(properties.map(([name, property]) => [name, validValue(name, property, ids)]));
  const required = (schema.required ?? []).filter((name) => name in model);
  return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>;
}

const SQL_AND_SCRIPT = [
  "' OR '1'='1",
  '1; DROP TABLE patients; --',
  "1' UNION SELECT password_hash FROM staff_users --",
  "admin'--",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '%00%27',
  '=cmd|"/c calc"!A1',
];

const ODD_TEXT = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u001f\u007f',
  'line\r\nbreak',
  '\u202eevil\u202c',
  '𝕏😀👨‍👩‍👧',
  '\ud800',
  '١٢٣',
  'NaN',
  'Infinity',
  '-0',
  '1e3',
  '0x10',
  ' 12 ',
  'true',
  'null',
  '2024-02-30',
];

const ODD_NUMBERS = [-1, 0, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 63), 1e308, -1e-308, 0.5, 4102444801];

/** A value chosen to break things, whatever the field expects. */
export function hostileValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const maxLength = schema.maxLength ?? 200;
  return fc.oneof(
    fc.constantFrom(...SQL_AND_SCRIPT),
    fc.constantFrom(...ODD_TEXT),
    fc.constantFrom(...ODD_NUMBERS),
    fc.constantFrom(
      true,
      false,
      null,
      [],
      {},
      [1, 2],
      ['a', null],
      { $gt: '' },
      JSON.parse('{"__proto__":{"admin":true}}'),
    ),
    fc.constantFrom('x'.repeat(maxLength + 1), '字'.repeat(maxLength + 1), '😀'.repeat(maxLength), 'y'.repeat(100_000)),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.integer(),
    fc.double(),
  );
}
