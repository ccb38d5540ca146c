"use client";

/**
 * Makes the session available to every component through `useAuth`, restores
 * it from the refresh cookie on page load, and keeps the access token fresh
 * while the tab is visible. All network policy stays in lib/auth.
 */
import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore } from "react";

import {
  type AuthClient,
  type RestoreResult,
  type SessionState,
  type SignInResult,
  type User,
  LOADING,
  getAuthClient,
  startProactiveRefresh,
} from "@/lib/auth";

export interface AuthContextValue extends SessionState {
  /** Set when the session could not be restored because the API is unreachable. */
  offline: boolean;
  client: AuthClient;
  /** Signed in, or a second step to finish with `finishSignIn`. */
  login(username: string, password: string): Promise<SignInResult>;
  finishSignIn(code: string): Promise<{ user: User; recoveryCodes: string[] | null }>;
  logout(): Promise<void>;
  retryRestore(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

const noSubscription = () => () => undefined;

export function AuthProvider({ children }: { children: ReactNode }) {
  // Pages are pre-rendered on the server, where there is no session: null there.
  const client = useMemo(() => (typeof window === "undefined" ? null : getAuthClient()), []);
  const state = useSyncExternalStore(
    client?.session.subscribe ?? noSubscription,
    client?.session.getSnapshot ?? (() => LOADING),
    () => LOADING,
  );
  const [restored, setRestored] = useState<RestoreResult | null>(null);

  const restore = useCallback(async () => {
    if (client !== null) {
      setRestored(await client.restoreSession());
    }
  }, [client]);

  useEffect(() => {
    if (client === null) {
      return;
    }
    const stopRefreshing = startProactiveRefresh(client);
    client.restoreSession().then(setRestored, () => setRestored("anonymous"));
    return stopRefreshing;
  }, [client]);

  const value = useMemo<AuthContextValue | null>(
    () =>
      client === null
        ? null
        : {
            ...state,
            offline: restored === "offline" && state.status === "anonymous",
            client,
            login: (username, password) => client.login(username, password),
            finishSignIn: (code) => client.finishSignIn(code),
            logout: () => client.logout(),
            retryRestore: restore,
          },
    [client, state, restored, restore],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/**
 * The session and the actions on it. `null` only while rendering on the
 * server; components that need it render their loading state then.
 */
export function useAuth(): AuthContextValue | null {
  return useContext(AuthContext);
}
