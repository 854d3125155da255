/**
 * The one error model. Every failure the API reports is an AppError with a code from
 * this closed set; each family renders it in its own envelope. The table is exhaustive
 * over the union, so a new code without a status, a staff state_code and a message
 * does not compile.
 */
export type AppErrorCode =
  | 'credentials_missing'
  | 'credentials_malformed'
  | 'user_not_found'
  | 'wrong_password'
  | 'token_missing'
  | 'token_invalid'
  | 'token_expired'
  | 'parameter_missing'
  | 'invalid_value'
  | 'malformed_body'
  | 'permission_denied'
  | 'account_disabled'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'headers_too_large'
  | 'unsupported_media_type'
  | 'too_many_attempts'
  | 'rate_limited'
  | 'phone_lookup_limited'
  | 'service_unavailable'
  | 'internal';

interface ErrorDefinition {
  status: number;
  /** `state_code` in the staff envelope. The seed's codes are kept as they are. */
  stateCode: number;
  message: string;
  description: string;
}

export const errorCatalogue: Record<AppErrorCode, ErrorDefinition> = {
  credentials_missing: {
    status: 400,
    stateCode: 40036,
    message: '用户名或密码缺失',
    description: 'username or password missing (seed)',
  },
  credentials_malformed: {
    status: 400,
    stateCode: 40035,
    message: '用户名或密码不合法',
    description: 'username or password not in the allowed format (seed)',
  },
  user_not_found: {
    status: 401,
    stateCode: 46004,
    message: '用户名错误或无此用户',
    description: 'no such user (seed)',
  },
  wrong_password: { status: 401, stateCode: 46005, message: '密码错误', description: 'wrong password (seed)' },
  token_missing: { status: 401, stateCode: 41001, message: '缺少token参数', description: 'token missing (seed)' },
  token_invalid: {
    status: 401,
    stateCode: 40014,
    message: '无效的token',
    description: 'token invalid: bad signature, algorithm, audience, malformed or revoked (seed)',
  },
  token_expired: { status: 401, stateCode: 42001, message: 'token超时', description: 'token expired (seed)' },
  parameter_missing: {
    status: 400,
    stateCode: 44001,
    message: '缺少参数',
    description: 'a required parameter is missing (seed)',
  },
  permission_denied: {
    status: 403,
    stateCode: 48001,
    message: '没有权限',
    description: 'the role lacks the permission (seed)',
  },
  method_not_allowed: {
    status: 405,
    stateCode: 43003,
    message: '请求方式错误',
    description: 'the path exists but not with this method (seed)',
  },
  invalid_value: {
    status: 400,
    stateCode: 40001,
    message: '参数不合法',
    description: 'a parameter has a wrong type, format or range',
  },
  malformed_body: {
    status: 400,
    stateCode: 40002,
    message: '请求体格式错误',
    description: 'the body could not be parsed (malformed JSON or form)',
  },
  account_disabled: { status: 403, stateCode: 40301, message: '账号已停用', description: 'the account is disabled' },
  not_found: {
    status: 404,
    stateCode: 40401,
    message: '资源不存在',
    description: 'no such resource, or not visible to the caller',
  },
  conflict: {
    status: 409,
    stateCode: 40901,
    message: '数据冲突',
    description: 'conflicts with existing data (duplicate phone, username ...)',
  },
  payload_too_large: {
    status: 413,
    stateCode: 41301,
    message: '请求体过大',
    description: 'the body exceeds the size limit',
  },
  headers_too_large: {
    status: 431,
    stateCode: 43101,
    message: '请求头或查询参数过长',
    description: 'the request line and headers exceed 16 KB (answered before routing)',
  },
  unsupported_media_type: {
    status: 415,
    stateCode: 41501,
    message: '不支持的内容类型',
    description: 'the Content-Type is not accepted by this route',
  },
  too_many_attempts: {
    status: 429,
    stateCode: 42901,
    message: '登录失败次数过多，请稍后再试',
    description: 'login locked for a while after repeated failures',
  },
  rate_limited: {
    status: 429,
    stateCode: 42902,
    message: '请求过于频繁，请稍后再试',
    description: 'request rate limit exceeded',
  },
  phone_lookup_limited: {
    status: 429,
    stateCode: 42903,
    message: '今日查询完整手机号的次数已达上限，请明天再试',
    description:
      'the daily cap on whole-phone-number lookups by a caller who sees phones masked (PHONE_LOOKUP_DAILY_LIMIT); Retry-After: the next clinic day',
  },
  service_unavailable: {
    status: 503,
    stateCode: 50301,
    message: '服务暂时不可用，请稍后再试',
    description: 'the database is unreachable',
  },
  internal: {
    status: 500,
    stateCode: 50001,
    message: '服务器内部错误',
    description: 'unexpected server error (details only in the log)',
  },
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  /** Extra machine-readable fields merged into the envelope (e.g. `existingId`). */
  readonly extra: Record<string, unknown> | undefined;
  /** Seconds the client should wait (429), sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: AppErrorCode,
    message?: string,
    options: { extra?: Record<string, unknown>; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message ?? errorCatalogue[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.extra = options.extra;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** Fastify and its plugins read `statusCode` off thrown errors. */
  get statusCode(): number {
    return this.status;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** A field with a wrong value, in the one wording every route uses: 参数不合法: field（reason）, naming the field. */
export function invalidField(field: string, reason: string): AppError {
  return new AppError('invalid_value', `参数不合法: ${field}（${reason}）`, { extra: { field } });
}
