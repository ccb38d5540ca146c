/**
 * The session as this tab knows it: the access token lives here, in memory
 * only (never in localStorage, where any injected script could read it).
 * The refresh token is an HttpOnly cookie the page cannot see at all.
 */
import { jwtDecode } from "jwt-decode";

import type { SessionEndReason } from "./errors";

export interface User {
  id: number;
  username: string;
  email: string;
  /** Whether the owner has followed a link mailed to `email`. */
  email_verified: boolean;
}

export type SessionStatus = "loading" | "authenticated" | "anonymous";

export interface SessionState {
  status: SessionStatus;
  user: User | null;
  accessToken: string | null;
  /** When the access token expires, on this browser's clock (ms since epoch). */
  expiresAt: number | null;
  /** How long the access token lives in total (ms), from its `iat` and `exp`. */
  lifetimeMs: number | null;
  /** Why the last session ended, so the login page can say it. */
  endReason: SessionEndReason | null;
}

/** The state before the session has been restored (also what the server renders). */
export const LOADING: SessionState = {
  status: "loading",
  user: null,
  accessToken: null,
  expiresAt: null,
  lifetimeMs: null,
  endReason: null,
};

export interface AccessTokenTiming {
  expiresAt: number;
  lifetimeMs: number;
}

/**
 * When a just-received access token expires, on the local clock.
 *
 * The token's lifetime (`exp - iat`) is added to the time it arrived, so a
 * browser clock that is off by minutes does not make us refresh too early or
 * too late. Returns null for a token that cannot be decoded.
 */
export function accessTokenTiming(token: string, receivedAt: number): AccessTokenTiming | null {
  let claims: { exp?: number; iat?: number };
  try {
    claims = jwtDecode<{ exp?: number; iat?: number }>(token);
  } catch {
    return null;
  }
  if (typeof claims.exp !== "number") {
    return null;
  }
  if (typeof claims.iat === "number" && claims.exp > claims.iat) {
    const lifetimeMs = (claims.exp - claims.iat) * 1000;
    return { expiresAt: receivedAt + lifetimeMs, lifetimeMs };
  }
  const expiresAt = claims.exp * 1000;
  return { expiresAt, lifetimeMs: Math.max(0, expiresAt - receivedAt) };
}

type Listener = (state: SessionState) => void;

/** A small observable store; React reads it through useSyncExternalStore. */
export class SessionStore {
  #state: SessionState = LOADING;
  readonly #listeners = new Set<Listener>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  getSnapshot = (): SessionState => this.#state;

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  get accessToken(): string | null {
    return this.#state.accessToken;
  }

  /** Store a new access token; keeps the known user when none is given. */
  setAccessToken(accessToken: string, user: User | null = this.#state.user): void {
    if (accessToken === this.#state.accessToken && user === this.#state.user) {
      return;
    }
    const timing = accessTokenTiming(accessToken, this.#now());
    this.#set({
      status: "authenticated",
      user,
      accessToken,
      expiresAt: timing?.expiresAt ?? null,
      lifetimeMs: timing?.lifetimeMs ?? null,
      endReason: null,
    });
  }

  /** Forget the session; `endReason` says why, when the user should be told. */
  clear(endReason: SessionEndReason | null = null): void {
    this.#set({ ...LOADING, status: "anonymous", endReason });
  }

  /** True while the current access token has more than `marginMs` left. */
  hasFreshToken(marginMs = 0): boolean {
    const { accessToken, expiresAt } = this.#state;
    if (accessToken === null) {
      return false;
    }
    return expiresAt === null || expiresAt - this.#now() > marginMs;
  }

  /**
   * Resolve with a usable access token other than `stale`: at once if we
   * already hold one, else the first one set within `timeoutMs`, else null.
   */
  waitForTokenOtherThan(stale: string | null, timeoutMs: number): Promise<string | null> {
    const usable = (): string | null =>
      this.#state.accessToken !== null && this.#state.accessToken !== stale && this.hasFreshToken()
        ? this.#state.accessToken
        : null;
    const current = usable();
    if (current !== null || timeoutMs <= 0) {
      return Promise.resolve(current);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve(null);
      }, timeoutMs);
      const unsubscribe = this.subscribe(() => {
        const token = usable();
        if (token !== null) {
          clearTimeout(timer);
          unsubscribe();
          resolve(token);
        }
      });
    });
  }

  #set(state: SessionState): void {
    this.#state = state;
    for (const listener of [...this.#listeners]) {
      listener(state);
    }
  }
}
