import { errorMessage, staffStateCode } from '../api/client';
import i18n from '../i18n';
import { refreshToken, staffClient } from './session';

export { staffClient };

/** A refused staff-API call: the HTTP status, the seed's state_code and the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly stateCode: number | undefined,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * Runs a typed openapi-fetch call and returns its data, or throws ApiError. A 42001
 * (token expired) refreshes the token once and repeats the call.
 */
export async function call<R extends FetchResult>(request: () => Promise<R>): Promise<NonNullable<R['data']>> {
  let result: R;
  try {
    result = await request();
    if (result.response.status === 401 && staffStateCode(result.error) === 42001 && (await refreshToken())) {
      result = await request();
    }
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError(0, undefined, i18n.t('common:networkError'));
  }
  if (result.error !== undefined || !result.response.ok) {
    const status = result.response.status;
    const fallback = status >= 500 ? i18n.t('common:serverError') : i18n.t('admin:errors.generic');
    const retryAfter = Number(result.response.headers.get('retry-after'));
    throw new ApiError(
      status,
      staffStateCode(result.error),
      status >= 500 ? fallback : errorMessage(result.error, fallback),
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }
  return result.data as NonNullable<R['data']>;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : i18n.t('common:networkError');
}

/** Unix seconds for a dayjs-like value. */
export function toUnix(value: { valueOf(): number } | null | undefined): number | undefined {
  return value ? Math.floor(value.valueOf() / 1000) : undefined;
}
