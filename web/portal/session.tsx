import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { type ApiClient, createApiClient, errorMessage } from '../api/client';
import { readStored, writeStored } from '../api/stored-session';

/**
 * The signed-in patient for the whole portal: the token (kept in localStorage so a reload
 * stays signed in), the typed API client, and `call`, which unwraps the portal envelope
 * {code, msg, data}. Every failure becomes a PortalError carrying the server's msg; a 401
 * on a signed-in request means the token died (logout elsewhere, password change, expiry),
 * so the session is dropped and the patient sent to /login, coming back afterwards.
 */
const TOKEN_KEY = 'carepool.portal.token';
const NAME_KEY = 'carepool.portal.name';

export class PortalError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown = null,
  ) {
    super(message);
  }
}

// openapi-fetch leaves out `data: null` of the empty answers (logout, register), hence optional.
type Envelope<T> = { msg: string; data?: T };
type ClientResult<T> = { data?: Envelope<T>; error?: unknown; response: Response };

type PortalClient = ApiClient;

interface PortalSession {
  client: PortalClient;
  token: string | null;
  patientName: string | null;
  call<T>(request: Promise<ClientResult<T>>): Promise<T>;
  signIn(token: string, name: string): void;
  /** Forgets the session locally (after logout or a dead token). */
  signOut(): void;
  /** Sends the patient to log in, returning to the current page afterwards. */
  requireLogin(): void;
}

const SessionContext = createContext<PortalSession | null>(null);

export function PortalSessionProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation('common');
  const navigate = useNavigate();
  const location = useLocation();
  const [token, setToken] = useState<string | null>(() => readStored(TOKEN_KEY));
  const [patientName, setPatientName] = useState<string | null>(() => readStored(NAME_KEY));
  // The client reads the token through a ref so it never has to be rebuilt.
  const tokenRef = useRef(token);
  tokenRef.current = token;
  const locationRef = useRef(location);
  locationRef.current = location;

  const client = useMemo(() => createApiClient(() => tokenRef.current), []);

  const signOut = useCallback(() => {
    tokenRef.current = null;
    writeStored(TOKEN_KEY, null);
    writeStored(NAME_KEY, null);
    setToken(null);
    setPatientName(null);
  }, []);

  const signIn = useCallback((newToken: string, name: string) => {
    tokenRef.current = newToken;
    writeStored(TOKEN_KEY, newToken);
    writeStored(NAME_KEY, name);
    setToken(newToken);
    setPatientName(name);
  }, []);

  const requireLogin = useCallback(() => {
    const { pathname, search } = locationRef.current;
    navigate('/login', { state: { from: pathname + search } });
  }, [navigate]);

  const call = useCallback(
    async <T,>(request: Promise<ClientResult<T>>): Promise<T> => {
      const hadToken = tokenRef.current !== null;
      let result: ClientResult<T>;
      try {
        result = await request;
      } catch {
        throw new PortalError(t('networkError'), 0);
      }
      const { data, error, response } = result;
      if (data !== undefined && response.ok) return data.data as T;
      if (response.status === 401 && hadToken) {
        signOut();
        requireLogin();
      }
      const fallback = response.status >= 500 ? t('serverError') : t('networkError');
      throw new PortalError(errorMessage(error, fallback), response.status, error ?? null);
    },
    [t, signOut, requireLogin],
  );

  const value = useMemo<PortalSession>(
    () => ({ client, token, patientName, call, signIn, signOut, requireLogin }),
    [client, token, patientName, call, signIn, signOut, requireLogin],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function usePortalSession(): PortalSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('usePortalSession outside PortalSessionProvider');
  return session;
}

/** The message to show for anything thrown by `call` (or by code around it). */
export function messageOf(error: unknown, fallback: string): string {
  if (error instanceof PortalError) return error.message;
  return fallback;
}
