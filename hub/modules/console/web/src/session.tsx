import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, graphql } from './api.ts';

/** Who is signed in, as the hub verified the token (`whoAmI`). */
export interface Caller {
  agency: string;
  agencyName: string | null;
  agencyEnglishName: string | null;
  official: string;
  role: string;
  expiresAt: string;
}

/** Why a token was not taken (or a session ended). */
export type SignInProblem =
  | { kind: 'empty' }
  | { kind: 'malformed' }
  | { kind: 'expired' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'role'; role: string }
  | { kind: 'network' }
  | { kind: 'other'; message: string };

export type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; problem?: SignInProblem }
  | { status: 'signed-in'; token: string; caller: Caller };

interface Session {
  state: SessionState;
  /** Verifies the token with the hub and keeps it for this tab; the problem when it is not taken. */
  signIn(token: string): Promise<SignInProblem | undefined>;
  signOut(problem?: SignInProblem): void;
  /** A GraphQL request as the signed-in inspector; a refused token ends the session. */
  query<T>(query: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
}

/** The token lives in this tab only (sessionStorage), never in an address. */
const TOKEN_KEY = 'lienthong.console.token';
const WHO_AM_I = '{ whoAmI { agency agencyName agencyEnglishName official role expiresAt } }';
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const SessionContext = createContext<Session | undefined>(undefined);

/** The token as pasted: surrounding space and a `Bearer ` prefix removed. */
export const cleanToken = (pasted: string) => pasted.trim().replace(/^bearer\s+/i, '');

/** A refused token's problem, from the hub's reason. */
function problemOf(error: unknown): SignInProblem {
  if (!(error instanceof ApiError)) return { kind: 'other', message: String(error) };
  if (error.kind === 'unauthenticated') {
    const reason = error.details.reason ?? error.message;
    return /expired/i.test(reason) ? { kind: 'expired' } : { kind: 'invalid', reason };
  }
  if (error.kind === 'network') return { kind: 'network' };
  return { kind: 'other', message: error.message };
}

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() =>
    storedToken() ? { status: 'checking' } : { status: 'signed-out' },
  );

  const signOut = useCallback((problem?: SignInProblem) => {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // nothing kept
    }
    setState(problem ? { status: 'signed-out', problem } : { status: 'signed-out' });
  }, []);

  const signIn = useCallback(async (pasted: string): Promise<SignInProblem | undefined> => {
    const token = cleanToken(pasted);
    if (!token) return { kind: 'empty' };
    if (!JWT.test(token)) return { kind: 'malformed' };
    let caller: Caller;
    try {
      caller = (await graphql<{ whoAmI: Caller }>(token, WHO_AM_I)).whoAmI;
    } catch (error) {
      return problemOf(error);
    }
    if (caller.role !== 'inspector') return { kind: 'role', role: caller.role };
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // kept in memory only: a reload asks again
    }
    setState({ status: 'signed-in', token, caller });
    return undefined;
  }, []);

  // A token kept from before a reload is verified again.
  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    void signIn(token).then((problem) => {
      if (problem) signOut(problem);
    });
  }, [signIn, signOut]);

  // The session ends when the token does.
  const expiresAt = state.status === 'signed-in' ? Date.parse(state.caller.expiresAt) : undefined;
  useEffect(() => {
    if (expiresAt === undefined) return;
    const timer = setTimeout(() => signOut({ kind: 'expired' }), Math.max(0, expiresAt - Date.now()));
    return () => clearTimeout(timer);
  }, [expiresAt, signOut]);

  const token = state.status === 'signed-in' ? state.token : undefined;
  const query = useCallback(
    async <T,>(text: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<T> => {
      if (!token) throw new ApiError('unauthenticated', 'not signed in');
      try {
        return await graphql<T>(token, text, variables, signal);
      } catch (error) {
        if (error instanceof ApiError && error.kind === 'unauthenticated') signOut(problemOf(error));
        throw error;
      }
    },
    [token, signOut],
  );

  const value = useMemo<Session>(() => ({ state, signIn, signOut, query }), [state, signIn, signOut, query]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in inspector's token (pages render only when signed in). */
export function useToken(): string {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('not signed in');
  return state.token;
}
