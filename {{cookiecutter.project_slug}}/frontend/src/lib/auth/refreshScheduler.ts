/**
 * Proactive refresh: renew the access token a
 * little before it expires, so API calls rarely meet a 401. Paused while the
 * tab is hidden (no point refreshing for nobody, and background timers are
 * throttled anyway); on return the token is renewed at once if it is due.
 */
import type { AuthClient } from "./apiClient";
import { SessionEndedError } from "./errors";

export interface SchedulerEnvironment {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  isVisible(): boolean;
  /** Subscribe to the tab becoming visible or focused again. */
  onResume(listener: () => void): () => void;
}

const MAX_LEAD_MS = 60_000;
const MIN_DELAY_MS = 250;
const MAX_RETRY_MS = 30_000;

/**
 * Milliseconds from `now` until the token should be renewed: at 80% of its
 * lifetime, or 60 s before expiry if that comes first, but never with less
 * than half the lifetime left unused (so a token living 8 s is renewed at 4 s).
 */
export function refreshDelay(expiresAt: number, lifetimeMs: number, now: number): number {
  const lead = Math.max(0.2 * lifetimeMs, Math.min(MAX_LEAD_MS, 0.5 * lifetimeMs));
  return Math.max(MIN_DELAY_MS, expiresAt - lead - now);
}

export function startProactiveRefresh(
  client: AuthClient,
  environment: SchedulerEnvironment = browserEnvironment(),
): () => void {
  let timer: unknown = null;
  let failures = 0;

  const cancel = () => {
    if (timer !== null) {
      environment.clearTimeout(timer);
      timer = null;
    }
  };

  const schedule = () => {
    cancel();
    const { status, accessToken, expiresAt, lifetimeMs } = client.session.getSnapshot();
    if (status !== "authenticated" || accessToken === null || expiresAt === null || lifetimeMs === null) {
      return;
    }
    if (!environment.isVisible()) {
      return;
    }
    const delay =
      failures > 0
        ? Math.min(MAX_RETRY_MS, 1000 * 2 ** (failures - 1))
        : refreshDelay(expiresAt, lifetimeMs, environment.now());
    timer = environment.setTimeout(() => {
      timer = null;
      void renew(accessToken);
    }, delay);
  };

  const renew = async (stale: string) => {
    try {
      await client.renewAccessToken(stale);
      failures = 0;
      // The new token has already rescheduled us through the subscription.
    } catch (error) {
      if (error instanceof SessionEndedError) {
        return; // the session is gone; nothing left to refresh
      }
      failures += 1; // server unreachable or busy: back off and try again
      schedule();
    }
  };

  const unsubscribe = client.session.subscribe(() => {
    failures = 0;
    schedule();
  });
  const stopResume = environment.onResume(schedule);
  schedule();

  return () => {
    cancel();
    unsubscribe();
    stopResume();
  };
}

export function browserEnvironment(): SchedulerEnvironment {
  return {
    now: () => Date.now(),
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
    isVisible: () => document.visibilityState === "visible",
    onResume(listener) {
      const onChange = () => listener();
      document.addEventListener("visibilitychange", onChange);
      window.addEventListener("focus", onChange);
      return () => {
        document.removeEventListener("visibilitychange", onChange);
        window.removeEventListener("focus", onChange);
      };
    },
  };
}
