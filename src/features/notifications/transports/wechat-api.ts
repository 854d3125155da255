/**
 * The few calls of the WeChat official-account HTTP API CarePool makes, behind a configurable
 * base URL (WECHAT_API_BASE_URL). The access token comes from /cgi-bin/stable_token, which
 * answers every caller with the same token until it expires (the older /cgi-bin/token
 * invalidates the previous token on each call, so several instances would keep invalidating one
 * another's); each instance caches it until five minutes before its expiry.
 */
export interface WeChatAnswer {
  errcode?: number;
  errmsg?: string;
  [field: string]: unknown;
}

/** errcode values meaning the access token is no longer valid: fetch a new one and try once more. */
const TOKEN_INVALID = new Set([40001, 40014, 42001]);
const TOKEN_MARGIN_MS = 5 * 60_000;

export class WeChatApi {
  private token: { value: string; expiresAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(private readonly options: { appId: string; appSecret: string; baseUrl: string; timeoutMs: number }) {}

  private async call(path: string, init: { method: 'GET' | 'POST'; body?: unknown }, signal?: AbortSignal) {
    const response = await fetch(`${this.options.baseUrl}${path}`, {
      method: init.method,
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: signal ?? AbortSignal.timeout(this.options.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok)
      throw Object.assign(new Error(`WeChat API answered HTTP ${response.status}`), { status: response.status, text });
    try {
      return { answer: JSON.parse(text) as WeChatAnswer, text };
    } catch {
      throw Object.assign(new Error('WeChat API answered something other than JSON'), {
        status: response.status,
        text,
      });
    }
  }

  private async accessToken(signal?: AbortSignal, refresh = false): Promise<string> {
    if (!refresh && this.token && this.token.expiresAt > Date.now()) return this.token.value;
    this.pendingToken ??= (async () => {
      const { answer } = await this.call(
        '/cgi-bin/stable_token',
        {
          method: 'POST',
          body: {
            grant_type: 'client_credential',
            appid: this.options.appId,
            secret: this.options.appSecret,
            force_refresh: false,
          },
        },
        signal,
      );
      if (typeof answer.access_token !== 'string')
        throw new Error(`WeChat stable_token refused: ${answer.errcode ?? '?'} ${answer.errmsg ?? ''}`);
      const lifetimeMs = Number(answer.expires_in ?? 7200) * 1000;
      this.token = { value: answer.access_token, expiresAt: Date.now() + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS) };
      return answer.access_token;
    })().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  /** POST with the access token; an answer saying the token is no longer valid gets one retry with a fresh one. */
  async postWithToken(path: string, body: unknown, signal?: AbortSignal) {
    let token = await this.accessToken(signal);
    let result = await this.call(`${path}?access_token=${encodeURIComponent(token)}`, { method: 'POST', body }, signal);
    if (result.answer.errcode !== undefined && TOKEN_INVALID.has(result.answer.errcode)) {
      this.token = undefined;
      token = await this.accessToken(signal, true);
      result = await this.call(`${path}?access_token=${encodeURIComponent(token)}`, { method: 'POST', body }, signal);
    }
    return result;
  }

  /** The openid of the user who authorized with this OAuth code (snsapi_base); undefined when WeChat refuses the code. */
  async openidForCode(code: string): Promise<{ openid: string } | { error: string }> {
    const query = new URLSearchParams({
      appid: this.options.appId,
      secret: this.options.appSecret,
      code,
      grant_type: 'authorization_code',
    });
    const { answer } = await this.call(`/sns/oauth2/access_token?${query}`, { method: 'GET' });
    if (typeof answer.openid === 'string' && answer.openid !== '') return { openid: answer.openid };
    return { error: `${answer.errcode ?? '?'} ${answer.errmsg ?? ''}`.trim() };
  }

  /** Where the portal sends the patient to authorize (snsapi_base: only the openid, no profile). */
  authorizeUrl(redirectUrl: string, state: string): string {
    const query = new URLSearchParams({
      appid: this.options.appId,
      redirect_uri: redirectUrl,
      response_type: 'code',
      scope: 'snsapi_base',
      state,
    });
    return `https://open.weixin.qq.com/connect/oauth2/authorize?${query}#wechat_redirect`;
  }
}
