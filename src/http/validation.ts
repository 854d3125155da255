import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { AppError, invalidField } from './errors.js';

/*
 * Three validators. Query strings and path parameters arrive as text and may repeat a
 * key, so they coerce "20" to 20 and a lone value into an array where one is expected.
 * Staff bodies may be form-urlencoded (every value is text), so they coerce scalars but
 * never an array into a scalar. Portal bodies are JSON only and validated strictly.
 */
const common: Options = { allErrors: false, useDefaults: true, removeAdditional: true, strict: false };
const coercingParameters = addFormats.default(new Ajv({ ...common, coerceTypes: 'array' }));
const coercingScalars = addFormats.default(new Ajv({ ...common, coerceTypes: true }));
const strict = addFormats.default(new Ajv({ ...common, coerceTypes: false }));

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart, url }) => {
  if (httpPart !== 'body') return coercingParameters.compile(schema);
  return (url.startsWith('/back_end/') ? coercingScalars : strict).compile(schema);
};

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

const reasonByKeyword: Record<string, (params: Record<string, unknown>) => string> = {
  type: (p) => `类型应为 ${String(p.type)}`,
  pattern: () => '格式不正确',
  format: () => '格式不正确',
  maxLength: (p) => `长度不能超过 ${String(p.limit)}`,
  minLength: (p) => `长度不能少于 ${String(p.limit)}`,
  maximum: (p) => `不能大于 ${String(p.limit)}`,
  minimum: (p) => `不能小于 ${String(p.limit)}`,
  enum: () => '取值不在允许范围内',
  const: () => '取值不在允许范围内',
  anyOf: () => '取值不合法',
  maxItems: (p) => `最多 ${String(p.limit)} 项`,
  additionalProperties: (p) => `不允许的字段 ${String(p.additionalProperty)}`,
};

function fieldName(issue: ValidationIssue, context: string): string {
  if (issue.keyword === 'required') return String(issue.params.missingProperty);
  const fromPath = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return fromPath || context;
}

/**
 * Turns a schema failure into the one error model: a missing field is parameter_missing,
 * anything else invalid_value; both name the field. Credential routes (the login forms)
 * answer with the seed's 40036 / 40035 instead.
 */
export function validationToAppError(issues: ValidationIssue[], context: string, request: FastifyRequest): AppError {
  const issue = issues[0];
  if (!issue) return new AppError('invalid_value');
  const field = fieldName(issue, context);
  const bodyAbsent =
    context === 'body' && issue.instancePath === '' && (request.body === undefined || request.body === null);
  if (request.routeOptions.config.credentialErrors) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const isMissing = bodyAbsent || issue.keyword === 'required' || body[field] === '';
    return new AppError(isMissing ? 'credentials_missing' : 'credentials_malformed');
  }
  if (bodyAbsent) return new AppError('parameter_missing', '缺少请求体');
  if (issue.keyword === 'required') return new AppError('parameter_missing', `缺少参数: ${field}`);
  const reason = reasonByKeyword[issue.keyword]?.(issue.params) ?? '取值不合法';
  return invalidField(field, reason);
}
