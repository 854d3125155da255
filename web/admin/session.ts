import { createApiClient, staffStateCode } from '../api/client';
import { readStored, writeStored } from '../api/stored-session';

/**
 * The staff session: the token lives in localStorage so a reload keeps the user signed in.
 * It is refreshed with PATCH token/ a minute before it expires (exp read from the JWT
 * payload) and again when a call answers 42001; when refreshing fails, or the server calls
 * the current token invalid (revoked by a sign-out elsewhere, an administrator, a password
 * change), the session ends and every listener (the app shell) sends the user back to the
 * login page.
 */
const TOKEN_KEY = 'carepool.staff.token';
const USERNAME_KEY = 'carepool.staff.username';
const REFRESH_AHEAD_MS = 60_000;

type Listener = () => void;
const endListeners = new Set<Listener>();
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | undefined;

export const staffClient = createApiClient(() => getToken());

/** 40014 token invalid or revoked, 41001 token missing: no retry can help, sign in again. */
const SESSION_GONE_CODES = new Set([40014, 41001]);
/** A refresh waits at most this long for the calls still using the old token. */
const DRAIN_LIMIT_MS = 5_000;

/**
 * Refreshing revokes the old token at once, so a call still travelling with it would come
 * back 40014. Calls are therefore counted while in flight: a refresh waits until they have
 * answered, and calls started during a refresh wait for it and go out with the new token.
 */
let inFlight = 0;
const drainWaiters = new Set<() => void>();
const isTokenCall = (request: Request) =>
  new URL(request.url).pathname.replace(/\/$/, '').endsWith('/back_end/api/v1/token');

function callAnswered(): void {
  inFlight = Math.max(0, inFlight - 1);
  if (inFlight === 0) for (const waiter of drainWaiters) waiter();
}

function untilDrained(): Promise<void> {
  if (inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      drainWaiters.delete(done);
      resolve();
    };
    const timer = setTimeout(done, DRAIN_LIMIT_MS);
    drainWaiters.add(done);
  });
}

staffClient.use({
  async onRequest({ request }) {
    if (isTokenCall(request)) return undefined;
    if (refreshing) await refreshing;
    const token = getToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    inFlight += 1;
    return request;
  },
  async onResponse({ request, response }) {
    if (isTokenCall(request)) return undefined;
    callAnswered();
    if (response.status !== 401) return undefined;
    const sent = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
    // A call sent with a token that has since been replaced says nothing about the session.
    if (!sent || sent !== getToken()) return undefined;
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => undefined);
    const code = staffStateCode(body);
    if (code !== undefined && SESSION_GONE_CODES.has(code)) endSession();
    return undefined;
  },
  onError({ request }) {
    if (!isTokenCall(request)) callAnswered();
  },
});

export function getToken(): string | null {
  return readStored(TOKEN_KEY);
}

export function getUsername(): string {
  return readStored(USERNAME_KEY) ?? '';
}

/** Seconds since the epoch at which the token expires, from its (unverified) payload. */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = token.split('.')[1];
    if (!payload) return null;
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp : null;
  } catch {
    return null;
  }
}

export function startSession(token: string, username: string): void {
  writeStored(TOKEN_KEY, token);
  writeStored(USERNAME_KEY, username);
  scheduleRefresh(token);
}

function scheduleRefresh(token: string): void {
  if (refreshTimer) clearTimeout(refreshTimer);
  const exp = tokenExpiry(token);
  if (exp === null) return;
  const delay = Math.max(exp * 1000 - Date.now() - REFRESH_AHEAD_MS, 1_000);
  // setTimeout overflows past ~24.8 days; such tokens are refreshed on their 42001 instead.
  if (delay > 2 ** 31 - 1) return;
  refreshTimer = setTimeout(() => void refreshToken(), delay);
}

/** Resumes the refresh timer after a page load; false when there is no session. */
export function resumeSession(): boolean {
  const token = getToken();
  if (!token) return false;
  scheduleRefresh(token);
  return true;
}

/** One refresh at a time: concurrent 42001s share it. */
export function refreshToken(): Promise<boolean> {
  refreshing ??= (async () => {
    await untilDrained();
    const token = getToken();
    if (!token) return false;
    try {
      const { data } = await staffClient.PATCH('/back_end/api/v1/token', { body: { token } });
      if (data?.token) {
        startSession(data.token, getUsername());
        return true;
      }
    } catch {
      // network failure: treated like a refused refresh below
    }
    endSession();
    return false;
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

export function endSession(): void {
  if (refreshTimer) clearTimeout(refreshTimer);
  writeStored(TOKEN_KEY, null);
  for (const listener of endListeners) listener();
}

export async function logout(): Promise<void> {
  try {
    await staffClient.DELETE('/back_end/api/v1/token', { body: {} });
  } catch {
    // the token is dropped locally whatever the server says
  }
  endSession();
}

export function onSessionEnded(listener: Listener): () => void {
  endListeners.add(listener);
  return () => endListeners.delete(listener);
}
