/** The browser's auth client: one per tab, created on first use. */
import { AuthClient } from "./apiClient";
import { apiUrlForPage } from "./apiOrigin";
import { createTabChannel, createTabLock } from "./tabSync";

export { AuthClient, AUTH_PATHS, type RestoreResult, type SecondStep, type SignInResult, type TokenResponse, type TotpSetup } from "./apiClient";
export { LOOPBACK_HOSTS } from "./apiOrigin";
export * from "./errors";
export { startProactiveRefresh } from "./refreshScheduler";
export { LOADING } from "./session";
export type { SessionState, SessionStatus, User } from "./session";

// Inlined at build time from .env.development / .env.production (or the environment).
export const API_URL = process.env.NEXT_PUBLIC_API_URL ?? "http://localhost:8000";

let browserClient: AuthClient | null = null;

export function getAuthClient(): AuthClient {
  if (typeof window === "undefined") {
    throw new Error("The auth client only runs in the browser.");
  }
  browserClient ??= new AuthClient({
    apiUrl: apiUrlForPage(API_URL, window.location.hostname),
    lock: createTabLock(),
    channel: createTabChannel(),
  });
  return browserClient;
}
