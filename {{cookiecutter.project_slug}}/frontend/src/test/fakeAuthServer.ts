/**
 * An in-memory stand-in for the Django auth API, for unit tests: the same
 * endpoints, error shape, cookie rotation and reuse detection, with one cookie
 * jar shared by every "tab" (as in one browser profile).
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Headers;
  credentials: RequestCredentials | undefined;
  body: string | null;
}

interface AccessRecord {
  session: number;
  expiresAt: number;
}

export const DEMO = { username: "demo", password: "demo-password-123" };
const USER = { id: 1, username: DEMO.username, email: "demo@example.com", email_verified: true };

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** An unsigned JWT: the client only decodes it, the (fake) server checks it. */
export function makeJwt(claims: Record<string, unknown>): string {
  return `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url(claims)}.signature`;
}

export class FakeAuthServer {
  readonly origin = "http://api.test";
  readonly requests: RecordedRequest[] = [];
  accessLifetimeMs = 8_000;
  /** Within this much of expiry, API responses carry X-New-Access-Token. */
  silentRefreshThresholdMs = 3_000;
  /** Refresh answers after this delay, so concurrent callers really overlap. */
  refreshLatencyMs = 20;
  offline = false;
  /** When set, login answers 429 with this Retry-After (seconds). */
  loginRetryAfter: number | null = null;
  /** The browser's cookie jar for the API origin (shared by all tabs). */
  cookie: string | null = null;
  /** When set, the account has an authenticator: login answers 202 and this code finishes it. */
  totpCode: string | null = null;
  #challenge = false;
  #clockOffset = 0;
  #serial = 0;
  readonly #access = new Map<string, AccessRecord>();
  /** refresh token -> session; rotated-out tokens are remembered for reuse detection. */
  readonly #refresh = new Map<string, { session: number; rotated: boolean }>();
  readonly #revokedSessions = new Set<number>();
  #nextSession = 1;

  now(): number {
    return Date.now() + this.#clockOffset;
  }

  /** Move the server's clock forward, e.g. past the access token's expiry. */
  advance(ms: number): void {
    this.#clockOffset += ms;
  }

  revokeAllSessions(): void {
    for (const { session } of this.#refresh.values()) {
      this.#revokedSessions.add(session);
    }
  }

  count(path: string): number {
    return this.requests.filter((request) => request.path === path).length;
  }

  fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const headers = new Headers(init.headers);
    const body = typeof init.body === "string" ? init.body : null;
    this.requests.push({ method: init.method ?? "GET", path: url.pathname, headers, credentials: init.credentials, body });
    if (this.offline) {
      throw new TypeError("Failed to fetch");
    }
    const cookie = init.credentials === "include" ? this.cookie : null;
    switch (url.pathname) {
      case "/api/auth/login/":
        return this.#login(headers, body);
      case "/api/auth/mfa/verify/":
        return this.#verifyCode(headers, body);
      case "/api/auth/refresh/":
        await new Promise((resolve) => setTimeout(resolve, this.refreshLatencyMs));
        return this.#refreshToken(headers, cookie);
      case "/api/auth/logout/":
        return this.#logout(headers, cookie);
      case "/api/me/":
        return this.#me(headers);
      default:
        return error(404, "Not found.", "not_found");
    }
  };

  #issue(session: number): { access: string; refresh: string } {
    this.#serial += 1;
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + Math.round(this.accessLifetimeMs / 1000);
    const access = makeJwt({ token_type: "access", jti: `a${this.#serial}`, iat, exp, user_id: USER.id });
    const refresh = `r${this.#serial}`;
    this.#access.set(access, { session, expiresAt: exp * 1000 });
    this.#refresh.set(refresh, { session, rotated: false });
    this.cookie = refresh;
    return { access, refresh };
  }

  #login(headers: Headers, body: string | null): Response {
    if (headers.get("X-Requested-With") !== "XMLHttpRequest") {
      return error(403, "CSRF check failed.", "csrf_failed");
    }
    if (this.loginRetryAfter !== null) {
      return error(429, "Request was throttled.", "throttled", { "Retry-After": String(this.loginRetryAfter) });
    }
    const credentials = body === null ? null : (JSON.parse(body) as { username?: unknown; password?: unknown });
    if (typeof credentials?.username !== "string" || typeof credentials.password !== "string") {
      return error(400, "Username and password are required.", "invalid_request");
    }
    if (credentials.username !== DEMO.username || credentials.password !== DEMO.password) {
      return error(401, "Invalid username or password.", "invalid_credentials");
    }
    if (this.totpCode !== null) {
      this.#challenge = true; // the real server sets an HttpOnly cookie; no token yet
      return json(202, { step: "verify", methods: ["totp", "recovery_code"], detail: "Enter the code.", expires_in: 300 });
    }
    const { access } = this.#issue(this.#nextSession++);
    return json(200, { access, user: USER });
  }

  #verifyCode(headers: Headers, body: string | null): Response {
    if (headers.get("X-Requested-With") !== "XMLHttpRequest") {
      return error(403, "CSRF check failed.", "csrf_failed");
    }
    if (!this.#challenge) {
      return error(401, "Sign in again.", "mfa_challenge_invalid");
    }
    const { code } = JSON.parse(body ?? "{}") as { code?: unknown };
    if (code !== this.totpCode) {
      return error(400, "That code is not valid.", "mfa_code_invalid");
    }
    this.#challenge = false;
    const { access } = this.#issue(this.#nextSession++);
    return json(200, { access, user: USER });
  }

  #refreshToken(headers: Headers, cookie: string | null): Response {
    if (headers.get("X-Requested-With") !== "XMLHttpRequest") {
      return error(403, "CSRF check failed.", "csrf_failed");
    }
    if (headers.has("Authorization")) {
      // A server that checks a stale Bearer on the refresh call rejects the refresh: the client must not send one.
      return error(401, "Token is expired.", "token_expired");
    }
    const record = cookie === null ? undefined : this.#refresh.get(cookie);
    if (record === undefined || this.#revokedSessions.has(record.session)) {
      this.cookie = null;
      return error(401, "Refresh token is invalid or expired.", "refresh_invalid");
    }
    if (record.rotated) {
      this.#revokedSessions.add(record.session); // reuse detected (RFC 9700)
      this.cookie = null;
      return error(401, "Refresh token is invalid or expired.", "refresh_invalid");
    }
    record.rotated = true;
    const { access } = this.#issue(record.session);
    return json(200, { access, user: USER });
  }

  #logout(headers: Headers, cookie: string | null): Response {
    if (headers.get("X-Requested-With") !== "XMLHttpRequest") {
      return error(403, "CSRF check failed.", "csrf_failed");
    }
    const record = cookie === null ? undefined : this.#refresh.get(cookie);
    if (record !== undefined) {
      this.#revokedSessions.add(record.session);
    }
    this.cookie = null;
    return new Response(null, { status: 204 });
  }

  #me(headers: Headers): Response {
    const authorization = headers.get("Authorization");
    if (authorization === null) {
      return error(401, "Authentication credentials were not provided.", "not_authenticated");
    }
    const record = this.#access.get(authorization.replace(/^Bearer /, ""));
    if (record === undefined) {
      return error(401, "Token is invalid.", "token_invalid");
    }
    if (this.#revokedSessions.has(record.session)) {
      return error(401, "Session has been revoked.", "session_revoked");
    }
    if (record.expiresAt <= this.now()) {
      return error(401, "Token has expired.", "token_expired");
    }
    const response = json(200, USER);
    if (record.expiresAt - this.now() < this.silentRefreshThresholdMs) {
      response.headers.set("X-New-Access-Token", this.#issueAccessOnly(record.session));
    }
    return response;
  }

  #issueAccessOnly(session: number): string {
    this.#serial += 1;
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + Math.round(this.accessLifetimeMs / 1000);
    const access = makeJwt({ token_type: "access", jti: `a${this.#serial}`, iat, exp, user_id: USER.id });
    this.#access.set(access, { session, expiresAt: exp * 1000 });
    return access;
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function error(status: number, detail: string, code: string, extraHeaders: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ detail, code }), {
    status,
    headers: { "Content-Type": "application/json", ...extraHeaders },
  });
}

/** Web Locks semantics in memory: one holder per name, FIFO, `ifAvailable`. */
export class FakeLockManager {
  readonly #tails = new Map<string, Promise<void>>();
  grants = 0;

  async request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T> {
    const previous = this.#tails.get(name);
    if (options.ifAvailable && previous !== undefined) {
      return callback(null);
    }
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = (previous ?? Promise.resolve()).then(() => mine);
    this.#tails.set(name, tail);
    await previous;
    this.grants += 1;
    try {
      return await callback({ name });
    } finally {
      release();
      if (this.#tails.get(name) === tail) {
        this.#tails.delete(name);
      }
    }
  }
}

/** A localStorage stand-in shared by the fake tabs. */
export class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();

  get length(): number {
    return this.#items.size;
  }

  clear(): void {
    this.#items.clear();
  }

  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }

  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }

  removeItem(key: string): void {
    this.#items.delete(key);
  }

  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }
}
