/**
 * Auth client for a React Native app, against the mobile token endpoints.
 *
 * A native app has no HttpOnly cookie jar to hide the refresh token in, so it
 * keeps it in the platform's secure storage (Keychain / Keystore, e.g. through
 * expo-secure-store) and the access token in memory only. The network policy
 * matches the web client: Bearer on every call, `X-New-Access-Token` picked
 * up, one refresh for any number of concurrent 401s, each call replayed once,
 * and a refresh that is never retried.
 *
 * Plain TypeScript over `fetch`, so it runs and is tested without React Native.
 */

/** The part of expo-secure-store's API this client needs. */
export interface SecureStorage {
  getItemAsync(key: string): Promise<string | null>;
  setItemAsync(key: string, value: string): Promise<void>;
  deleteItemAsync(key: string): Promise<void>;
}

/**
 * Something that ties the session to this device beyond the token itself: it
 * keeps what login returned and adds headers to every call.
 */
export interface ClientBinding {
  remember(loginBody: Record<string, unknown>): Promise<void>;
  headers(): Promise<Record<string, string>>;
  forget(): Promise<void>;
}

export interface User {
  id: number;
  username: string;
  email: string;
}

export type SessionEndReason = "session_expired" | "session_revoked" | "signed_out";

export const MOBILE_PATHS = {
  login: "/api/auth/mobile/login/",
  refresh: "/api/auth/mobile/refresh/",
  logout: "/api/auth/mobile/logout/",
  mfaVerify: "/api/auth/mobile/mfa/verify/",
  mfaEnroll: "/api/auth/mobile/mfa/enroll/",
} as const;

export const REFRESH_TOKEN_KEY = "auth.refresh_token";

export class MobileApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
    this.name = "MobileApiError";
  }
}

export class MobileNetworkError extends Error {
  constructor(cause?: unknown) {
    super("Cannot reach the server. Check your connection and try again.", { cause });
    this.name = "MobileNetworkError";
  }
}

export class MobileSessionEndedError extends Error {
  constructor(readonly reason: SessionEndReason) {
    super("The session has ended. Please sign in again.");
    this.name = "MobileSessionEndedError";
  }
}

export interface MobileAuthClientOptions {
  apiUrl: string;
  storage: SecureStorage;
  fetch?: typeof fetch;
  binding?: ClientBinding;
  /** Called once when the session ends on its own (navigate to the sign-in screen). */
  onSessionEnded?: (reason: SessionEndReason) => void;
}

interface LoginBody {
  access: string;
  refresh: string;
  user: User;
  /** New recovery codes, after a sign-in that set up the authenticator. */
  recovery_codes?: string[];
}

/**
 * A sign-in that waits for a second step after the password: a code from
 * the authenticator app (`verify`), or setting one up first (`enroll`). The
 * challenge goes back with the code; it is no token and opens nothing else.
 */
export interface MobileSecondStep {
  step: "verify" | "enroll";
  methods: ("totp" | "recovery_code")[];
  detail: string;
  expires_in: number;
  challenge: string;
}

export type MobileSignInResult = { kind: "signed_in"; user: User } | ({ kind: "second_step" } & MobileSecondStep);

export interface TotpSetup {
  secret: string;
  otpauth_uri: string;
  qr_code_svg: string;
}

export class MobileAuthClient {
  readonly #apiUrl: string;
  readonly #storage: SecureStorage;
  readonly #fetch: typeof fetch;
  readonly #binding: ClientBinding | null;
  readonly #onSessionEnded: (reason: SessionEndReason) => void;
  #accessToken: string | null = null;
  #user: User | null = null;
  /** The refresh in progress, shared by every caller (single flight). */
  #refreshing: Promise<string> | null = null;

  constructor(options: MobileAuthClientOptions) {
    this.#apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.#storage = options.storage;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#binding = options.binding ?? null;
    this.#onSessionEnded = options.onSessionEnded ?? (() => undefined);
  }

  get user(): User | null {
    return this.#user;
  }

  get isSignedIn(): boolean {
    return this.#accessToken !== null;
  }

  /** Sign in with the password: signed in, or a second step to finish with `finishSignIn`. */
  async login(username: string, password: string): Promise<MobileSignInResult> {
    const response = await this.#send(MOBILE_PATHS.login, { method: "POST", body: JSON.stringify({ username, password }) }, null);
    if (!response.ok) {
      throw await apiError(response);
    }
    if (response.status === 202) {
      return { kind: "second_step", ...((await response.json()) as MobileSecondStep) };
    }
    return { kind: "signed_in", user: await this.#adopt(response) };
  }

  /** The second step: a code from the app, or a recovery code, with the step's challenge. */
  async finishSignIn(challenge: string, code: string): Promise<{ user: User; recoveryCodes: string[] | null }> {
    const response = await this.#send(MOBILE_PATHS.mfaVerify, { method: "POST", body: JSON.stringify({ challenge, code }) }, null);
    if (!response.ok) {
      throw await apiError(response);
    }
    const body = (await response.clone().json()) as LoginBody;
    return { user: await this.#adopt(response), recoveryCodes: body.recovery_codes ?? null };
  }

  /** During an `enroll` step: the new authenticator's key, URI and QR code. */
  async startEnrollment(challenge: string): Promise<TotpSetup> {
    const response = await this.#send(MOBILE_PATHS.mfaEnroll, { method: "POST", body: JSON.stringify({ challenge }) }, null);
    if (!response.ok) {
      throw await apiError(response);
    }
    return (await response.json()) as TotpSetup;
  }

  async #adopt(response: Response): Promise<User> {
    const body = (await response.json()) as LoginBody & Record<string, unknown>;
    await this.#storage.setItemAsync(REFRESH_TOKEN_KEY, body.refresh);
    await this.#binding?.remember(body);
    this.#accessToken = body.access;
    this.#user = body.user;
    return body.user;
  }

  /** At app start: a stored refresh token becomes a session again. */
  async restoreSession(): Promise<boolean> {
    if ((await this.#storage.getItemAsync(REFRESH_TOKEN_KEY)) === null) {
      return false;
    }
    try {
      await this.#refreshOnce();
      return true;
    } catch (error) {
      if (error instanceof MobileSessionEndedError) {
        return false;
      }
      throw error;
    }
  }

  /** Call the API as the signed-in user; the body must be replayable (a string). */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const token = this.#accessToken;
    const response = await this.#send(path, init, token);
    if (response.status !== 401 || token === null) {
      return response;
    }
    // Another call may already have renewed the token while this one was in flight.
    const current = this.#accessToken;
    const renewed = current !== null && current !== token ? current : await this.#refreshOnce();
    const replayed = await this.#send(path, init, renewed);
    if (replayed.status === 401) {
      await this.#endSession("session_revoked");
      throw new MobileSessionEndedError("session_revoked");
    }
    return replayed;
  }

  async getJson<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.request(path, init);
    if (!response.ok) {
      throw await apiError(response);
    }
    return (await response.json()) as T;
  }

  /** Revoke the session on the server, then forget it here. */
  async logout(): Promise<void> {
    const refresh = await this.#storage.getItemAsync(REFRESH_TOKEN_KEY);
    if (refresh !== null) {
      const response = await this.#send(MOBILE_PATHS.logout, { method: "POST", body: JSON.stringify({ refresh }) }, null);
      if (!response.ok && response.status !== 401) {
        throw await apiError(response);
      }
    }
    await this.#forget();
  }

  #refreshOnce(): Promise<string> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<string> {
    const refresh = await this.#storage.getItemAsync(REFRESH_TOKEN_KEY);
    if (refresh === null) {
      await this.#endSession("session_expired");
      throw new MobileSessionEndedError("session_expired");
    }
    // No Authorization header: an expired access token must not get the refresh rejected.
    const response = await this.#send(MOBILE_PATHS.refresh, { method: "POST", body: JSON.stringify({ refresh }) }, null);
    if (response.status === 401) {
      const { code } = await apiError(response);
      const reason = code === "session_revoked" ? "session_revoked" : "session_expired";
      await this.#endSession(reason);
      throw new MobileSessionEndedError(reason);
    }
    if (!response.ok) {
      throw await apiError(response);
    }
    const body = (await response.json()) as { access: string; refresh: string; user?: User };
    // Store the rotated token first: the old one is now spent, and presenting it again
    // would look like token theft and revoke the session (RFC 9700, 4.14.2).
    await this.#storage.setItemAsync(REFRESH_TOKEN_KEY, body.refresh);
    this.#accessToken = body.access;
    this.#user = body.user ?? this.#user;
    return body.access;
  }

  async #send(path: string, init: RequestInit, token: string | null): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("Accept", "application/json");
    if (typeof init.body === "string") {
      headers.set("Content-Type", "application/json");
    }
    for (const [name, value] of Object.entries((await this.#binding?.headers()) ?? {})) {
      headers.set(name, value);
    }
    if (token !== null) {
      headers.set("Authorization", `Bearer ${token}`);
    }
    let response: Response;
    try {
      response = await this.#fetch(`${this.#apiUrl}${path}`, { ...init, headers, credentials: "omit" });
    } catch (error) {
      throw new MobileNetworkError(error);
    }
    const fresher = response.headers.get("X-New-Access-Token");
    if (response.ok && fresher && token !== null && token === this.#accessToken) {
      this.#accessToken = fresher;
    }
    return response;
  }

  async #endSession(reason: SessionEndReason): Promise<void> {
    const wasSignedIn = this.#accessToken !== null;
    await this.#forget();
    if (wasSignedIn) {
      this.#onSessionEnded(reason);
    }
  }

  async #forget(): Promise<void> {
    this.#accessToken = null;
    this.#user = null;
    await this.#storage.deleteItemAsync(REFRESH_TOKEN_KEY);
    await this.#binding?.forget();
  }
}

async function apiError(response: Response): Promise<MobileApiError> {
  try {
    const body = (await response.json()) as { detail?: unknown; code?: unknown };
    if (typeof body.detail === "string" && typeof body.code === "string") {
      return new MobileApiError(response.status, body.code, body.detail);
    }
  } catch {
    // Not the API's JSON error shape.
  }
  return new MobileApiError(response.status, `http_${response.status}`, `The server answered ${response.status}.`);
}
