/**
 * The one place that talks to the API. Components call `request`/`getJson`,
 * `login` and `logout`; none of them handle tokens, retries or refreshes.
 *
 * Policy, in order:
 * - every call: `credentials: "include"` (the refresh cookie is HttpOnly) and
 *   `X-Requested-With`, the custom header the backend requires on cookie
 *   endpoints as its CSRF defence (it forces a CORS preflight);
 * - authenticated calls carry `Authorization: Bearer <access>` from memory,
 *   and a fresher token in `X-New-Access-Token` replaces it;
 * - a 401 triggers one refresh for the whole tab (single flight), under a lock
 *   shared with the other tabs, then each waiting call is replayed once;
 * - the refresh call carries no Authorization header and is never retried; if
 *   it is rejected the session ends everywhere and the user is sent to log in.
 */
import {
  type ErrorCode,
  NetworkError,
  SessionEndedError,
  type SessionEndReason,
  apiErrorFrom,
  sessionEndReasonFor,
} from "./errors";
import { SessionStore, type User } from "./session";
import { type LockContext, type TabChannel, type TabLock, type TabMessage } from "./tabSync";

export const AUTH_PATHS = {
  login: "/api/auth/login/",
  refresh: "/api/auth/refresh/",
  logout: "/api/auth/logout/",
  mfaVerify: "/api/auth/mfa/verify/",
  mfaEnroll: "/api/auth/mfa/enroll/",
} as const;

export interface AuthClientOptions {
  /** Origin of the API, e.g. http://localhost:8000 (no trailing slash needed). */
  apiUrl: string;
  lock: TabLock;
  channel: TabChannel;
  session?: SessionStore;
  fetch?: typeof fetch;
  /** A refresh that takes longer than this counts as a network failure. */
  refreshTimeoutMs?: number;
  /**
   * After waiting for another tab's refresh, how long to listen for the token
   * it broadcasts before refreshing ourselves.
   */
  handoffWaitMs?: number;
}

export interface TokenResponse {
  access: string;
  user: User;
  /** New recovery codes, after a sign-in that set up the authenticator. */
  recovery_codes?: string[];
}

/**
 * The step a sign-in waits for after the password: a code from the
 * authenticator app (`verify`), or setting one up first (`enroll`, when the
 * account must use one). The challenge itself is an HttpOnly cookie.
 */
export interface SecondStep {
  step: "verify" | "enroll";
  methods: ("totp" | "recovery_code")[];
  detail: string;
  expires_in: number;
}

export type SignInResult = { kind: "signed_in"; user: User } | ({ kind: "second_step" } & SecondStep);

/** What an authenticator app needs, shown once. */
export interface TotpSetup {
  secret: string;
  otpauth_uri: string;
  /** The URI as a QR code, an SVG `data:` URI drawn by the server. */
  qr_code_svg: string;
}

/** What one refresh attempt came to; network failures are thrown instead. */
type RefreshOutcome =
  | { kind: "renewed"; accessToken: string }
  | { kind: "rejected"; code: ErrorCode };

export type RestoreResult = "restored" | "anonymous" | "offline";

export class AuthClient {
  readonly session: SessionStore;
  readonly #apiUrl: string;
  readonly #fetch: typeof fetch;
  readonly #lock: TabLock;
  readonly #channel: TabChannel;
  readonly #refreshTimeoutMs: number;
  readonly #handoffWaitMs: number;
  readonly #stopListening: () => void;
  /** The refresh this tab is running, shared by every caller (single flight). */
  #refreshing: Promise<RefreshOutcome> | null = null;
  #restoring: Promise<RestoreResult> | null = null;

  constructor(options: AuthClientOptions) {
    this.session = options.session ?? new SessionStore();
    this.#apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#lock = options.lock;
    this.#channel = options.channel;
    this.#refreshTimeoutMs = options.refreshTimeoutMs ?? 15_000;
    this.#handoffWaitMs = options.handoffWaitMs ?? 1_000;
    this.#stopListening = this.#channel.subscribe(this.#onTabMessage);
  }

  /** Stop listening to other tabs (tests, hot reload). */
  dispose(): void {
    this.#stopListening();
    this.#channel.close();
  }

  /**
   * Call the API as the signed-in user. The body must be replayable (a string,
   * FormData or URLSearchParams), since a call may be sent twice.
   */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    if (this.session.accessToken === null && this.#refreshing !== null) {
      // A refresh (usually the restore on page load) is under way: wait for its token.
      await this.#refreshing.catch(() => undefined);
    }
    const token = this.session.accessToken;
    const response = await this.#send(path, init, token);
    if (response.status !== 401 || token === null) {
      return response;
    }
    const rejectedWith = (await apiErrorFrom(response)).code;
    const renewed = await this.renewAccessToken(token, sessionEndReasonFor(rejectedWith));
    const replayed = await this.#send(path, init, renewed);
    if (replayed.status === 401) {
      // Even a brand-new token is refused: the session was revoked meanwhile.
      const reason = sessionEndReasonFor((await apiErrorFrom(replayed)).code);
      this.#endSession(reason);
      throw new SessionEndedError(reason);
    }
    return replayed;
  }

  /** `request` for JSON endpoints: the parsed body, or an ApiError. */
  async getJson<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.request(path, init);
    if (!response.ok) {
      throw await apiErrorFrom(response);
    }
    return (await response.json()) as T;
  }

  /**
   * Call a public endpoint (sign-up, password reset, a link's token) with a
   * JSON body: no access token, no refresh, no retry. The parsed body, or an
   * ApiError.
   */
  async postPublic<T>(path: string, body: unknown): Promise<T> {
    const response = await this.#send(path, { method: "POST", body: JSON.stringify(body) }, null);
    if (!response.ok) {
      throw await apiErrorFrom(response);
    }
    return (await response.json()) as T;
  }

  /** Sign in with the password: signed in, or a second step to finish (`finishSignIn`). */
  async login(username: string, password: string): Promise<SignInResult> {
    const outcome = await this.#lock.run(async (): Promise<{ pending: SecondStep } | { tokens: TokenResponse }> => {
      const response = await this.#send(
        AUTH_PATHS.login,
        { method: "POST", body: JSON.stringify({ username, password }) },
        null,
      );
      if (!response.ok) {
        throw await apiErrorFrom(response);
      }
      return response.status === 202
        ? { pending: (await response.json()) as SecondStep }
        : { tokens: (await response.json()) as TokenResponse };
    });
    if ("pending" in outcome) {
      return { kind: "second_step", ...outcome.pending };
    }
    this.#adoptToken(outcome.tokens.access, outcome.tokens.user);
    return { kind: "signed_in", user: outcome.tokens.user };
  }

  /**
   * The second step of a sign-in: a code from the authenticator app or a
   * recovery code. Signs in; after an enrollment step also returns the new
   * recovery codes, which the user must see once.
   */
  async finishSignIn(code: string): Promise<{ user: User; recoveryCodes: string[] | null }> {
    const body = await this.signInAt(AUTH_PATHS.mfaVerify, { code });
    return { user: body.user, recoveryCodes: body.recovery_codes ?? null };
  }

  /**
   * Sign in at a public endpoint that answers as the login does (the access
   * token in the body, the refresh token in its cookie): the second step, or
   * another way of proving who you are that an optional feature adds.
   */
  async signInAt(path: string, body: unknown): Promise<TokenResponse> {
    const tokens = await this.#lock.run(async () => {
      const response = await this.#send(path, { method: "POST", body: JSON.stringify(body) }, null);
      if (!response.ok) {
        throw await apiErrorFrom(response);
      }
      return (await response.json()) as TokenResponse;
    });
    this.#adoptToken(tokens.access, tokens.user);
    return tokens;
  }

  /** During an `enroll` step: a new authenticator's secret and QR code. */
  startEnrollment(): Promise<TotpSetup> {
    return this.postPublic<TotpSetup>(AUTH_PATHS.mfaEnroll, {});
  }

  /**
   * End the session on the server (which clears the cookie), then here and in
   * every other tab. Only the cookie is sent: an expired access token must not
   * stand in the way of logging out. If the server cannot be reached the
   * session is kept, since the cookie would otherwise outlive the "logout".
   */
  async logout(): Promise<void> {
    await this.#lock.run(async () => {
      const response = await this.#send(AUTH_PATHS.logout, { method: "POST" }, null);
      if (!response.ok && response.status !== 401) {
        throw await apiErrorFrom(response);
      }
    });
    this.#endSession("signed_out");
  }

  /**
   * On page load: trade the HttpOnly refresh cookie for an access token.
   * Runs once per page however often it is called.
   */
  restoreSession(): Promise<RestoreResult> {
    this.#restoring ??= this.#restore().finally(() => {
      this.#restoring = null;
    });
    return this.#restoring;
  }

  async #restore(): Promise<RestoreResult> {
    if (this.session.accessToken !== null) {
      return "restored";
    }
    try {
      const outcome = await this.#refreshOnce(null);
      if (outcome.kind === "renewed") {
        return "restored";
      }
      this.session.clear();
      return "anonymous";
    } catch (error) {
      if (this.session.accessToken !== null) {
        return "restored";
      }
      this.session.clear();
      if (error instanceof NetworkError) {
        return "offline";
      }
      throw error;
    }
  }

  /**
   * A usable access token other than `stale`: handed over by another tab or
   * obtained by one refresh. If the refresh is rejected the session ends with
   * `reasonIfRejected` and SessionEndedError is thrown; network failures throw
   * NetworkError and keep the session, so a later call can try again.
   */
  async renewAccessToken(
    stale: string | null,
    reasonIfRejected: SessionEndReason = "session_expired",
  ): Promise<string> {
    const outcome = await this.#refreshOnce(stale);
    if (outcome.kind === "renewed") {
      return outcome.accessToken;
    }
    const reason = outcome.code === "session_revoked" ? "session_revoked" : reasonIfRejected;
    this.#endSession(reason);
    throw new SessionEndedError(reason);
  }

  #refreshOnce(stale: string | null): Promise<RefreshOutcome> {
    this.#refreshing ??= this.#lock
      .run((context) => this.#refreshUnderLock(stale, context))
      .finally(() => {
        this.#refreshing = null;
      });
    return this.#refreshing;
  }

  async #refreshUnderLock(stale: string | null, { contended }: LockContext): Promise<RefreshOutcome> {
    // Another tab may have refreshed while we waited for the lock: its token
    // arrives over the channel. Refreshing again would only rotate the cookie
    // once more, so take the handed-over token when it comes.
    const handedOver = await this.session.waitForTokenOtherThan(stale, contended ? this.#handoffWaitMs : 0);
    if (handedOver !== null) {
      return { kind: "renewed", accessToken: handedOver };
    }
    const response = await this.#send(
      AUTH_PATHS.refresh,
      { method: "POST", signal: AbortSignal.timeout(this.#refreshTimeoutMs) },
      null,
    );
    if (response.status === 401) {
      return { kind: "rejected", code: (await apiErrorFrom(response)).code };
    }
    if (!response.ok) {
      throw await apiErrorFrom(response);
    }
    const body = (await response.json()) as TokenResponse;
    this.#adoptToken(body.access, body.user);
    return { kind: "renewed", accessToken: body.access };
  }

  /** Send one request with the client's headers; `token` null means anonymous. */
  async #send(path: string, init: RequestInit, token: string | null): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("X-Requested-With", "XMLHttpRequest");
    if (!headers.has("Accept")) {
      headers.set("Accept", "application/json");
    }
    if (typeof init.body === "string" && !headers.has("Content-Type")) {
      headers.set("Content-Type", "application/json");
    }
    if (token === null) {
      headers.delete("Authorization");
    } else {
      headers.set("Authorization", `Bearer ${token}`);
    }
    let response: Response;
    try {
      response = await this.#fetch(`${this.#apiUrl}${path}`, { ...init, headers, credentials: "include" });
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") {
        throw error; // the caller cancelled; not a network problem
      }
      throw new NetworkError(error);
    }
    const fresher = response.headers.get("X-New-Access-Token");
    if (response.ok && fresher && token !== null && token === this.session.accessToken) {
      this.#adoptToken(fresher);
    }
    return response;
  }

  #adoptToken(accessToken: string, user: User | null = this.session.getSnapshot().user): void {
    this.session.setAccessToken(accessToken, user);
    this.#channel.post({ type: "access", accessToken, user });
  }

  #endSession(reason: SessionEndReason): void {
    if (this.session.getSnapshot().status === "anonymous") {
      return; // already ended, e.g. by a concurrent call
    }
    this.session.clear(reason);
    this.#channel.post({
      type: "signed_out",
      reason: reason === "signed_out" ? "signed_out_elsewhere" : reason,
    });
  }

  #onTabMessage = (message: TabMessage): void => {
    if (message.type === "access") {
      this.session.setAccessToken(message.accessToken, message.user ?? this.session.getSnapshot().user);
    } else if (this.session.getSnapshot().status !== "anonymous") {
      this.session.clear(message.reason);
    }
  };
}
