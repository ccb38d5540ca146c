/** Test doubles for the mobile client: secure storage and the mobile endpoints. */
import { vi } from "vitest";

import type { SecureStorage } from "./authClient";

export function memorySecureStorage() {
  const items = new Map<string, string>();
  const storage = {
    items,
    getItemAsync: vi.fn(async (key: string) => items.get(key) ?? null),
    setItemAsync: vi.fn(async (key: string, value: string) => {
      items.set(key, value);
    }),
    deleteItemAsync: vi.fn(async (key: string) => {
      items.delete(key);
    }),
  } satisfies SecureStorage & { items: Map<string, string> };
  return storage;
}

interface Recorded {
  path: string;
  headers: Headers;
  body: Record<string, unknown> | null;
  credentials: RequestCredentials | undefined;
}

const USER = { id: 7, username: "demo", email: "demo@example.com" };

/** The mobile endpoints: rotation, reuse detection, optional client binding. */
export class FakeMobileApi {
  readonly origin = "http://api.test";
  readonly requests: Recorded[] = [];
  /** Extra fields of the login answer, e.g. a value the client must send back. */
  loginExtras: Record<string, string> = {};
  /** When set, the account has an authenticator: login answers 202 and this code finishes it. */
  totpCode: string | null = null;
  /** Headers every call after login must carry, or it is refused. */
  requiredHeaders: Record<string, string> = {};
  offline = false;
  #serial = 0;
  readonly #validAccess = new Set<string>();
  readonly #refresh = new Map<string, "live" | "rotated">();
  #revoked = false;

  count(path: string): number {
    return this.requests.filter((request) => request.path === path).length;
  }

  expireAccessTokens(): void {
    this.#validAccess.clear();
  }

  revokeSession(): void {
    this.#revoked = true;
    this.#validAccess.clear();
  }

  fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const path = new URL(String(input)).pathname;
    const headers = new Headers(init.headers);
    const body = typeof init.body === "string" ? (JSON.parse(init.body) as Record<string, unknown>) : null;
    this.requests.push({ path, headers, body, credentials: init.credentials });
    if (this.offline) {
      throw new TypeError("Network request failed");
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    const unbound = Object.entries(this.requiredHeaders).some(([name, value]) => headers.get(name) !== value);
    if (path !== "/api/auth/mobile/login/" && unbound) {
      return error(401, "This token is not bound to this client.", "binding_mismatch");
    }
    switch (path) {
      case "/api/auth/mobile/login/": {
        if (body?.password !== "demo-password-123") {
          return error(401, "Invalid username or password.", "invalid_credentials");
        }
        this.#revoked = false;
        if (this.totpCode !== null) {
          return json(
            { step: "verify", methods: ["totp", "recovery_code"], detail: "Enter the code.", expires_in: 300, challenge: "challenge-1" },
            202,
          );
        }
        const tokens = this.#issue();
        return json({ ...tokens, user: USER, ...this.loginExtras });
      }
      case "/api/auth/mobile/mfa/verify/": {
        if (body?.challenge !== "challenge-1") {
          return error(401, "Sign in again.", "mfa_challenge_invalid");
        }
        if (body.code !== this.totpCode) {
          return error(400, "That code is not valid.", "mfa_code_invalid");
        }
        return json({ ...this.#issue(), user: USER, ...this.loginExtras });
      }
      case "/api/auth/mobile/refresh/": {
        const state = this.#refresh.get(String(body?.refresh));
        if (this.#revoked || state !== "live") {
          this.#revoked ||= state === "rotated"; // reuse detected
          return error(401, "Refresh token is invalid or expired.", "refresh_invalid");
        }
        this.#refresh.set(String(body?.refresh), "rotated");
        return json(this.#issue());
      }
      case "/api/auth/mobile/logout/":
        this.#revoked = true;
        return new Response(null, { status: 204 });
      case "/api/me/": {
        const token = headers.get("Authorization")?.replace("Bearer ", "") ?? "";
        if (this.#revoked) {
          return error(401, "Session has been revoked.", "session_revoked");
        }
        return this.#validAccess.has(token) ? json(USER) : error(401, "Token has expired.", "token_expired");
      }
      default:
        return error(404, "Not found.", "not_found");
    }
  };

  #issue(): { access: string; refresh: string } {
    this.#serial += 1;
    const access = `access-${this.#serial}`;
    const refresh = `refresh-${this.#serial}`;
    this.#validAccess.add(access);
    this.#refresh.set(refresh, "live");
    return { access, refresh };
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function error(status: number, detail: string, code: string): Response {
  return new Response(JSON.stringify({ detail, code }), { status, headers: { "Content-Type": "application/json" } });
}
